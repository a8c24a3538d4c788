package io.millrace.flink.source.reader;

import io.millrace.flink.source.MillraceSourceOptions;
import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/** Puts a source reader together: deserializer, metrics, fetcher and emitter. Stateless. */
@Internal
public final class MillraceSourceReaderFactory {

    private MillraceSourceReaderFactory() {}

    /** A reader for one subtask; {@code properties} are the source's, defaults applied. */
    public static <T> MillraceSourceReader<T> create(
            MillraceRecordDeserializationSchema<T> deserializer, Properties properties, SourceReaderContext context)
            throws Exception {
        deserializer.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return context.metricGroup().addGroup("deserializer");
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return context.getUserCodeClassLoader();
            }
        });
        MillraceSourceReaderMetrics metrics = new MillraceSourceReaderMetrics(context.metricGroup());
        Properties consumerProperties =
                MillraceSourceOptions.consumerProperties(properties, String.valueOf(context.getIndexOfSubtask()));
        boolean registerConsumerMetrics =
                MillraceSourceOptions.getBoolean(properties, MillraceSourceOptions.REGISTER_CONSUMER_METRICS);
        Configuration config = toConfiguration(properties);
        MillraceFetcherManager fetchers = new MillraceFetcherManager(
                () -> new MillraceSplitReader(consumerProperties, metrics, registerConsumerMetrics), config);
        MillraceRecordEmitter<T> emitter = new MillraceRecordEmitter<>(
                deserializer, metrics, context.metricGroup().getIOMetricGroup().getNumRecordsInCounter());
        boolean commitOffsets =
                MillraceSourceOptions.getBoolean(properties, MillraceSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT);
        return new MillraceSourceReader<>(fetchers, emitter, config, context, metrics, commitOffsets);
    }

    /** The reader base's settings ({@code source.reader.*}) may be given as source properties. */
    private static Configuration toConfiguration(Properties properties) {
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
        return Configuration.fromMap(map);
    }
}
