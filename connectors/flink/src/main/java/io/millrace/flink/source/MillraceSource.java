package io.millrace.flink.source;

import io.millrace.flink.source.enumerator.MillraceEnumState;
import io.millrace.flink.source.enumerator.MillraceEnumStateSerializer;
import io.millrace.flink.source.enumerator.MillraceSourceEnumerator;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.flink.source.enumerator.subscriber.MillraceSubscriber;
import io.millrace.flink.source.reader.MillraceSourceReaderFactory;
import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import io.millrace.flink.source.split.MillraceSplit;
import io.millrace.flink.source.split.MillraceSplitSerializer;
import java.util.Properties;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink source (FLIP-27) reading Millrace topics, partitions or whole streams through the Kafka
 * protocol; built with {@link #builder()}, whose methods are those of Flink's {@code KafkaSource}:
 *
 * <pre>{@code
 * MillraceSource<String> source = MillraceSource.<String>builder()
 *         .setBootstrapServers("127.0.0.1:9092")
 *         .setStreams("payments")
 *         .setGroupId("fraud-detection")
 *         .setStartingOffsets(OffsetsInitializer.earliest())
 *         .setValueOnlyDeserializer(new SimpleStringSchema())
 *         .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "payments");
 * }</pre>
 *
 * <p>Every partition is a split with an exact offset, kept in Flink's checkpoints: a restored job
 * resumes at the next offset of every partition. Records are read {@code read_committed} unless
 * {@code isolation.level} says otherwise.
 *
 * <p>Immutable and serializable; Flink ships it to the job manager and the task managers.
 */
@PublicEvolving
public final class MillraceSource<T> implements Source<T, MillraceSplit, MillraceEnumState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final MillraceSubscriber subscriber;
    private final OffsetsInitializer startingOffsets;
    private final OffsetsInitializer stoppingOffsets;
    private final Boundedness boundedness;
    private final MillraceRecordDeserializationSchema<T> deserializer;
    private final Properties properties;

    MillraceSource(
            MillraceSubscriber subscriber,
            OffsetsInitializer startingOffsets,
            OffsetsInitializer stoppingOffsets,
            Boundedness boundedness,
            MillraceRecordDeserializationSchema<T> deserializer,
            Properties properties) {
        this.subscriber = subscriber;
        this.startingOffsets = startingOffsets;
        this.stoppingOffsets = stoppingOffsets;
        this.boundedness = boundedness;
        this.deserializer = deserializer;
        this.properties = properties;
    }

    /** A builder; {@code build()} checks every setting and names the one that is wrong. */
    public static <T> MillraceSourceBuilder<T> builder() {
        return new MillraceSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return boundedness;
    }

    @Internal
    @Override
    public SourceReader<T, MillraceSplit> createReader(SourceReaderContext context) throws Exception {
        return MillraceSourceReaderFactory.create(deserializer, properties, context);
    }

    @Internal
    @Override
    public SplitEnumerator<MillraceSplit, MillraceEnumState> createEnumerator(
            SplitEnumeratorContext<MillraceSplit> context) {
        return restoreEnumerator(context, MillraceEnumState.initial());
    }

    @Internal
    @Override
    public SplitEnumerator<MillraceSplit, MillraceEnumState> restoreEnumerator(
            SplitEnumeratorContext<MillraceSplit> context, MillraceEnumState checkpoint) {
        return new MillraceSourceEnumerator(
                subscriber, startingOffsets, stoppingOffsets, properties, context, boundedness, checkpoint);
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<MillraceSplit> getSplitSerializer() {
        return new MillraceSplitSerializer();
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<MillraceEnumState> getEnumeratorCheckpointSerializer() {
        return new MillraceEnumStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }

    /** The properties the source's clients get, after the builder's defaults; for tests and tools. */
    Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }
}
