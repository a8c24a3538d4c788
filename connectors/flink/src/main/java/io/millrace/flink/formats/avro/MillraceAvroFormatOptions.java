package io.millrace.flink.formats.avro;

import io.millrace.schema.serde.KafkaAvroSerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/**
 * Options of the {@code millrace-avro} format, named as those of Flink's {@code avro-confluent}
 * format, so a table definition moves over by changing the format's name.
 */
public final class MillraceAvroFormatOptions {

    public static final ConfigOption<String> URL = ConfigOptions.key("url")
            .stringType()
            .noDefaultValue()
            .withDescription("The URL(s) of Millrace's schema registry, comma-separated, e.g. http://127.0.0.1:8081.");

    public static final ConfigOption<String> SUBJECT = ConfigOptions.key("subject")
            .stringType()
            .noDefaultValue()
            .withDescription("The subject the schema is registered under when writing. The 'millrace' "
                    + "connector uses '<topic>-value' or '<topic>-key' when it is not set; required elsewhere.");

    public static final ConfigOption<String> SCHEMA = ConfigOptions.key("schema")
            .stringType()
            .noDefaultValue()
            .withDescription("An explicit Avro schema, used to write and as the reader schema; it must match "
                    + "the table's row type. Without it the schema is derived from the row type.");

    public static final ConfigOption<Boolean> AUTO_REGISTER_SCHEMAS = ConfigOptions.key("auto.register.schemas")
            .booleanType()
            .defaultValue(true)
            .withDescription("Register the schema under the subject when writing; when false it must be "
                    + "registered already and is only looked up.");

    public static final ConfigOption<String> BASIC_AUTH_CREDENTIALS_SOURCE = ConfigOptions.key(
                    "basic-auth.credentials-source")
            .stringType()
            .noDefaultValue()
            .withDescription("Where basic-auth credentials come from: URL (the URL's user info, the default) or "
                    + "USER_INFO (basic-auth.user-info).");

    public static final ConfigOption<String> BASIC_AUTH_USER_INFO = ConfigOptions.key("basic-auth.user-info")
            .stringType()
            .noDefaultValue()
            .withDescription("user:password for basic auth with USER_INFO.");

    public static final ConfigOption<Map<String, String>> PROPERTIES = ConfigOptions.key("properties")
            .mapType()
            .noDefaultValue()
            .withDescription("Settings of the registry client under Confluent's keys (e.g. "
                    + "'properties.schema.registry.max.retries'); the options above win over them.");

    private MillraceAvroFormatOptions() {}

    /** The subject to write under; a format that writes requires it (a table connector may fill it in). */
    public static String subjectToWrite(ReadableConfig options, String formatIdentifier) {
        return options.getOptional(SUBJECT)
                .orElseThrow(() -> new ValidationException("Option '" + formatIdentifier + "." + SUBJECT.key()
                        + "' is required to write with this connector"));
    }

    /** The registry client's settings (Confluent's keys) the options name. */
    public static RegistrySettings registrySettings(ReadableConfig options) {
        Map<String, String> configs =
                new HashMap<>(options.getOptional(PROPERTIES).orElse(Map.of()));
        options.getOptional(BASIC_AUTH_CREDENTIALS_SOURCE)
                .ifPresent(source -> configs.put(KafkaAvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, source));
        options.getOptional(BASIC_AUTH_USER_INFO)
                .ifPresent(info -> configs.put(KafkaAvroSerdeConfig.BASIC_AUTH_USER_INFO, info));
        return RegistrySettings.of(options.get(URL), configs);
    }
}
