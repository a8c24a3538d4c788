package io.millrace.flink.formats.json;

import io.millrace.flink.formats.avro.MillraceAvroFormatOptions;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.formats.json.JsonFormatOptions;

/**
 * Options of the {@code millrace-json} format: the registry options of {@code millrace-avro}
 * (the same keys, so one table definition style serves both) and flink-json's options for the
 * JSON text itself, with flink-json's keys and defaults.
 */
public final class MillraceJsonFormatOptions {

    public static final ConfigOption<String> URL = MillraceAvroFormatOptions.URL;

    public static final ConfigOption<String> SUBJECT = MillraceAvroFormatOptions.SUBJECT;

    public static final ConfigOption<String> SCHEMA = ConfigOptions.key("schema")
            .stringType()
            .noDefaultValue()
            .withDescription("An explicit JSON Schema to register and write with; it must describe the JSON of "
                    + "the table's row type. Without it the schema is derived from the row type.");

    public static final ConfigOption<Boolean> AUTO_REGISTER_SCHEMAS = MillraceAvroFormatOptions.AUTO_REGISTER_SCHEMAS;

    public static final ConfigOption<String> BASIC_AUTH_CREDENTIALS_SOURCE =
            MillraceAvroFormatOptions.BASIC_AUTH_CREDENTIALS_SOURCE;

    public static final ConfigOption<String> BASIC_AUTH_USER_INFO = MillraceAvroFormatOptions.BASIC_AUTH_USER_INFO;

    public static final ConfigOption<Map<String, String>> PROPERTIES = MillraceAvroFormatOptions.PROPERTIES;

    public static final ConfigOption<Boolean> FAIL_ON_MISSING_FIELD = JsonFormatOptions.FAIL_ON_MISSING_FIELD;

    public static final ConfigOption<Boolean> IGNORE_PARSE_ERRORS = JsonFormatOptions.IGNORE_PARSE_ERRORS;

    public static final ConfigOption<String> TIMESTAMP_FORMAT = JsonFormatOptions.TIMESTAMP_FORMAT;

    public static final ConfigOption<String> MAP_NULL_KEY_MODE = JsonFormatOptions.MAP_NULL_KEY_MODE;

    public static final ConfigOption<String> MAP_NULL_KEY_LITERAL = JsonFormatOptions.MAP_NULL_KEY_LITERAL;

    public static final ConfigOption<Boolean> ENCODE_DECIMAL_AS_PLAIN_NUMBER =
            JsonFormatOptions.ENCODE_DECIMAL_AS_PLAIN_NUMBER;

    public static final ConfigOption<Boolean> ENCODE_IGNORE_NULL_FIELDS = JsonFormatOptions.ENCODE_IGNORE_NULL_FIELDS;

    public static final ConfigOption<Boolean> DECODE_JSON_PARSER_ENABLED = JsonFormatOptions.DECODE_JSON_PARSER_ENABLED;

    private MillraceJsonFormatOptions() {}
}
