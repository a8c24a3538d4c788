package io.millrace.flink.formats.json;

import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.AUTO_REGISTER_SCHEMAS;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.BASIC_AUTH_CREDENTIALS_SOURCE;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.BASIC_AUTH_USER_INFO;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.DECODE_JSON_PARSER_ENABLED;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.ENCODE_DECIMAL_AS_PLAIN_NUMBER;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.ENCODE_IGNORE_NULL_FIELDS;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.FAIL_ON_MISSING_FIELD;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.IGNORE_PARSE_ERRORS;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.MAP_NULL_KEY_LITERAL;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.MAP_NULL_KEY_MODE;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.PROPERTIES;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.SCHEMA;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.SUBJECT;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.TIMESTAMP_FORMAT;
import static io.millrace.flink.formats.json.MillraceJsonFormatOptions.URL;

import io.millrace.flink.formats.avro.MillraceAvroFormatOptions;
import io.millrace.flink.formats.avro.RegistrySettings;
import java.util.Set;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.formats.json.JsonFormatOptionsUtil;
import org.apache.flink.formats.json.JsonParserRowDataDeserializationSchema;
import org.apache.flink.formats.json.JsonRowDataDeserializationSchema;
import org.apache.flink.formats.json.JsonRowDataSerializationSchema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The {@code millrace-json} table format: rows as JSON in the schema registry wire format, against
 * JSON Schemas in Millrace's registry ({@link MillraceJsonFormatOptions}). Writing registers the
 * JSON Schema derived from the row type ({@link RowTypeJsonSchema}), or the {@code schema} option's,
 * under the subject and frames flink-json's JSON of each row with its id; reading checks each
 * record's frame and id and reads its JSON into the row type with flink-json's converters, by field
 * name. Insert-only.
 */
public final class MillraceJsonFormatFactory implements DeserializationFormatFactory, SerializationFormatFactory {

    public static final String IDENTIFIER = "millrace-json";

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        JsonFormatOptionsUtil.validateDecodingFormatOptions(formatOptions);
        RegistrySettings registry = MillraceAvroFormatOptions.registrySettings(formatOptions);
        boolean failOnMissingField = formatOptions.get(FAIL_ON_MISSING_FIELD);
        boolean ignoreParseErrors = formatOptions.get(IGNORE_PARSE_ERRORS);
        boolean jsonParser = formatOptions.get(DECODE_JSON_PARSER_ENABLED);
        TimestampFormat timestampFormat = JsonFormatOptionsUtil.getTimestampFormat(formatOptions);
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    DynamicTableSource.Context sourceContext, DataType producedDataType) {
                RowType rowType = (RowType) producedDataType.getLogicalType();
                TypeInformation<RowData> producedType = sourceContext.createTypeInformation(producedDataType);
                DeserializationSchema<RowData> json = jsonParser
                        ? new JsonParserRowDataDeserializationSchema(
                                rowType, producedType, failOnMissingField, ignoreParseErrors, timestampFormat)
                        : new JsonRowDataDeserializationSchema(
                                rowType, producedType, failOnMissingField, ignoreParseErrors, timestampFormat);
                return new MillraceJsonDeserializationSchema<>(json, ignoreParseErrors, registry);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    @Override
    public EncodingFormat<SerializationSchema<RowData>> createEncodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        JsonFormatOptionsUtil.validateEncodingFormatOptions(formatOptions);
        RegistrySettings registry = MillraceAvroFormatOptions.registrySettings(formatOptions);
        String subject = MillraceAvroFormatOptions.subjectToWrite(formatOptions, IDENTIFIER);
        boolean autoRegister = formatOptions.get(AUTO_REGISTER_SCHEMAS);
        String explicitSchema = formatOptions.getOptional(SCHEMA).orElse(null);
        if (explicitSchema != null) {
            try {
                RowTypeJsonSchema.checkDocument(explicitSchema);
            } catch (IllegalArgumentException e) {
                throw new ValidationException(
                        "Option '" + IDENTIFIER + "." + SCHEMA.key() + "' is not a JSON Schema: " + e.getMessage(), e);
            }
        }
        TimestampFormat timestampFormat = JsonFormatOptionsUtil.getTimestampFormat(formatOptions);
        JsonFormatOptions.MapNullKeyMode mapNullKeyMode = JsonFormatOptionsUtil.getMapNullKeyMode(formatOptions);
        String mapNullKeyLiteral = formatOptions.get(MAP_NULL_KEY_LITERAL);
        boolean decimalAsPlainNumber = formatOptions.get(ENCODE_DECIMAL_AS_PLAIN_NUMBER);
        boolean ignoreNullFields = formatOptions.get(ENCODE_IGNORE_NULL_FIELDS);
        return new EncodingFormat<>() {
            @Override
            public SerializationSchema<RowData> createRuntimeEncoder(
                    DynamicTableSink.Context sinkContext, DataType consumedDataType) {
                RowType rowType = (RowType) consumedDataType.getLogicalType();
                return new MillraceJsonSerializationSchema<>(
                        new JsonRowDataSerializationSchema(
                                rowType,
                                timestampFormat,
                                mapNullKeyMode,
                                mapNullKeyLiteral,
                                decimalAsPlainNumber,
                                ignoreNullFields),
                        subject,
                        explicitSchema == null ? RowTypeJsonSchema.of(rowType) : explicitSchema,
                        autoRegister,
                        registry);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(URL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                SUBJECT,
                SCHEMA,
                AUTO_REGISTER_SCHEMAS,
                BASIC_AUTH_CREDENTIALS_SOURCE,
                BASIC_AUTH_USER_INFO,
                PROPERTIES,
                FAIL_ON_MISSING_FIELD,
                IGNORE_PARSE_ERRORS,
                TIMESTAMP_FORMAT,
                MAP_NULL_KEY_MODE,
                MAP_NULL_KEY_LITERAL,
                ENCODE_DECIMAL_AS_PLAIN_NUMBER,
                ENCODE_IGNORE_NULL_FIELDS,
                DECODE_JSON_PARSER_ENABLED);
    }
}
