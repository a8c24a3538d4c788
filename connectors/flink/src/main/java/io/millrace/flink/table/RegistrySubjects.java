package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FORMAT;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC;
import static io.millrace.flink.table.MillraceConnectorOptions.VALUE_FORMAT;

import io.millrace.flink.formats.avro.MillraceAvroFormatFactory;
import io.millrace.flink.formats.avro.MillraceAvroFormatOptions;
import io.millrace.flink.formats.json.MillraceJsonFormatFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * Fills in the registry subject of a {@code millrace-avro} or {@code millrace-json} key or value
 * format the table does not name: {@code <topic>-key} and {@code <topic>-value}, the subjects
 * Confluent's serializers use by default (and Flink's Kafka connector fills in for {@code avro-confluent}). Only for a table of
 * exactly one topic; with a pattern or a stream there is no single subject to choose. Stateless.
 */
final class RegistrySubjects {

    /** The registry formats; each names its subject with the option {@code subject}. */
    private static final Set<String> REGISTRY_FORMATS =
            Set.of(MillraceAvroFormatFactory.IDENTIFIER, MillraceJsonFormatFactory.IDENTIFIER);

    private RegistrySubjects() {}

    /** {@code context}, or a copy whose table options name the default subjects. */
    static DynamicTableFactory.Context withDefaultSubjects(DynamicTableFactory.Context context) {
        Map<String, String> options = context.getCatalogTable().getOptions();
        List<String> topics = Configuration.fromMap(options).getOptional(TOPIC).orElse(List.of());
        if (topics.size() != 1) {
            return context;
        }
        Map<String, String> completed = new HashMap<>(options);
        String valueFormat = options.getOrDefault(FactoryUtil.FORMAT.key(), options.get(VALUE_FORMAT.key()));
        String valuePrefix = options.containsKey(FactoryUtil.FORMAT.key()) ? "" : "value.";
        fill(completed, valueFormat, valuePrefix, topics.get(0) + "-value");
        fill(completed, options.get(KEY_FORMAT.key()), "key.", topics.get(0) + "-key");
        if (completed.equals(options)) {
            return context;
        }
        return new FactoryUtil.DefaultDynamicTableContext(
                context.getObjectIdentifier(),
                context.getCatalogTable().copy(completed),
                context.getEnrichmentOptions(),
                context.getConfiguration(),
                context.getClassLoader(),
                context.isTemporary());
    }

    private static void fill(Map<String, String> options, String format, String prefix, String subject) {
        if (format != null && REGISTRY_FORMATS.contains(format)) {
            options.putIfAbsent(prefix + format + "." + MillraceAvroFormatOptions.SUBJECT.key(), subject);
        }
    }
}
