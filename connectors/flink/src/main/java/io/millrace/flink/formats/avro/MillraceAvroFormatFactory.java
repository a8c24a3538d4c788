package io.millrace.flink.formats.avro;

import java.util.Set;
import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.AvroRowDataDeserializationSchema;
import org.apache.flink.formats.avro.AvroRowDataSerializationSchema;
import org.apache.flink.formats.avro.AvroToRowDataConverters;
import org.apache.flink.formats.avro.RowDataToAvroConverters;
import org.apache.flink.formats.avro.typeutils.AvroSchemaConverter;
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
 * The {@code millrace-avro} table format: rows as Avro in the schema registry wire format, with
 * the options of Flink's {@code avro-confluent} ({@link MillraceAvroFormatOptions}). Writing
 * registers the schema derived from the row type (or the {@code schema} option) under the
 * subject; reading decodes each record by its schema id and resolves its writer schema to the
 * row type's schema, so records of older or newer compatible schemas are read. Insert-only.
 */
public final class MillraceAvroFormatFactory implements DeserializationFormatFactory, SerializationFormatFactory {

    public static final String IDENTIFIER = "millrace-avro";

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        RegistrySettings registry = MillraceAvroFormatOptions.registrySettings(formatOptions);
        String explicitSchema =
                formatOptions.getOptional(MillraceAvroFormatOptions.SCHEMA).orElse(null);
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    DynamicTableSource.Context sourceContext, DataType producedDataType) {
                RowType rowType = (RowType) producedDataType.getLogicalType();
                return new AvroRowDataDeserializationSchema(
                        MillraceAvroDeserializationSchema.forGeneric(schemaOf(rowType, explicitSchema), registry),
                        AvroToRowDataConverters.createRowConverter(rowType),
                        sourceContext.createTypeInformation(producedDataType));
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
        RegistrySettings registry = MillraceAvroFormatOptions.registrySettings(formatOptions);
        String subject = MillraceAvroFormatOptions.subjectToWrite(formatOptions, IDENTIFIER);
        boolean autoRegister = formatOptions.get(MillraceAvroFormatOptions.AUTO_REGISTER_SCHEMAS);
        String explicitSchema =
                formatOptions.getOptional(MillraceAvroFormatOptions.SCHEMA).orElse(null);
        return new EncodingFormat<>() {
            @Override
            public SerializationSchema<RowData> createRuntimeEncoder(
                    DynamicTableSink.Context sinkContext, DataType consumedDataType) {
                RowType rowType = (RowType) consumedDataType.getLogicalType();
                return new AvroRowDataSerializationSchema(
                        rowType,
                        MillraceAvroSerializationSchema.forGeneric(
                                subject, schemaOf(rowType, explicitSchema), autoRegister, registry),
                        RowDataToAvroConverters.createConverter(rowType));
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    /** The explicit schema, or the one Flink derives from the row type. */
    static Schema schemaOf(RowType rowType, String explicitSchema) {
        return explicitSchema == null
                ? AvroSchemaConverter.convertToSchema(rowType)
                : new Schema.Parser().parse(explicitSchema);
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(MillraceAvroFormatOptions.URL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                MillraceAvroFormatOptions.SUBJECT,
                MillraceAvroFormatOptions.SCHEMA,
                MillraceAvroFormatOptions.AUTO_REGISTER_SCHEMAS,
                MillraceAvroFormatOptions.BASIC_AUTH_CREDENTIALS_SOURCE,
                MillraceAvroFormatOptions.BASIC_AUTH_USER_INFO,
                MillraceAvroFormatOptions.PROPERTIES);
    }
}
