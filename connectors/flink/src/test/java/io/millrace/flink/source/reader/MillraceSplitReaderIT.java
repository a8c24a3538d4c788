package io.millrace.flink.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.split.MillraceSplit;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The split reader on its own against a real broker, driven like the fetcher thread drives it:
 * pausing splits for watermark alignment (also before they are assigned), finishing a bounded
 * split whose last offsets are transaction markers, skipping records deleted before a split's
 * position, and the lag it reports per split.
 */
class MillraceSplitReaderIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    private final RecordingMetricGroup metricGroup = new RecordingMetricGroup();
    private final MillraceSourceReaderMetrics metrics =
            new MillraceSourceReaderMetrics(InternalSourceReaderMetricGroup.mock(metricGroup));
    private MillraceSplitReader reader;

    @AfterEach
    void closeReader() {
        if (reader != null) {
            reader.close();
        }
    }

    @Test
    void aPausedSplitYieldsNothingUntilResumedEvenWhenPausedBeforeItWasAssigned() {
        Clients.createTopic(broker.bootstrap(), "align", 2, Map.of());
        write("align", 0, "fast-", 5);
        write("align", 1, "slow-", 5);
        MillraceSplit fast = new MillraceSplit(new TopicPartition("align", 0), 0);
        MillraceSplit slow = new MillraceSplit(new TopicPartition("align", 1), 0);
        reader = reader(Map.of());

        reader.pauseOrResumeSplits(List.of(slow), List.of());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(fast, slow)));
        Fetched first = fetchUntil(fetched -> fetched.values("align-0").size() == 5);
        assertThat(first.values("align-1")).isEmpty();

        reader.pauseOrResumeSplits(List.of(), List.of(slow));
        Fetched second = fetchUntil(fetched -> fetched.values("align-1").size() == 5);
        assertThat(second.values("align-1")).containsExactly("slow-0", "slow-1", "slow-2", "slow-3", "slow-4");
    }

    @Test
    void aBoundedSplitEndingInMarkersFinishesAtItsStoppingOffset() throws Exception {
        Clients.createTopic(broker.bootstrap(), "ends-in-markers", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(
                broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ends-in-markers"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record("ends-in-markers", 0, "kept")).get();
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(record("ends-in-markers", 0, "aborted")).get();
            producer.abortTransaction();
        }
        // kept at 0, commit marker at 1, aborted record at 2, abort marker at 3
        reader = reader(Map.of());
        reader.handleSplitsChanges(
                new SplitsAddition<>(List.of(new MillraceSplit(new TopicPartition("ends-in-markers", 0), 0, 4))));

        Fetched fetched = fetchUntil(f -> f.finished.contains("ends-in-markers-0"));

        assertThat(fetched.values("ends-in-markers-0")).containsExactly("kept");
        assertThat(fetched.nextOffsets.get("ends-in-markers-0")).isEqualTo(4);
        assertThat(metricGroup.value("MillraceSourceReader.topic.ends-in-markers.partition.0.pendingRecords"))
                .isEqualTo(0L);
    }

    @Test
    void reportsEachSplitsLag() {
        Clients.createTopic(broker.bootstrap(), "lagging", 1, Map.of());
        write("lagging", 0, "r-", 10);
        reader = reader(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "4"));
        reader.handleSplitsChanges(
                new SplitsAddition<>(List.of(new MillraceSplit(new TopicPartition("lagging", 0), 0))));

        fetchUntil(f -> f.values("lagging-0").size() >= 4);

        String gauge = "MillraceSourceReader.topic.lagging.partition.0.pendingRecords";
        long lag = (Long) metricGroup.value(gauge);
        assertThat(lag).isBetween(1L, 6L);
        assertThat(metricGroup.value("pendingRecords")).isEqualTo(lag);
    }

    @Test
    void recordsDeletedBeforeTheSplitsPositionAreSkippedNotAwaited() {
        Clients.createTopic(broker.bootstrap(), "truncated", 1, Map.of());
        write("truncated", 0, "r-", 10);
        TopicPartition partition = new TopicPartition("truncated", 0);
        Clients.await(broker.admin()
                .deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(5)))
                .all());
        // as the builder sets it for the default starting offsets (earliest)
        reader = reader(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(new MillraceSplit(partition, 2))));

        Fetched fetched = fetchUntil(f -> f.values("truncated-0").size() == 5);

        assertThat(fetched.values("truncated-0")).containsExactly("r-5", "r-6", "r-7", "r-8", "r-9");
        assertThat(fetched.nextOffsets.get("truncated-0")).isEqualTo(10);
    }

    private MillraceSplitReader reader(Map<String, String> overrides) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        properties.setProperty(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.setProperty(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.putAll(overrides);
        return new MillraceSplitReader(properties, metrics, true);
    }

    /** Fetches, as the fetcher thread would, until what was fetched so far satisfies {@code done}. */
    private Fetched fetchUntil(Predicate<Fetched> done) {
        Fetched fetched = new Fetched();
        Await.until("fetched records", DEADLINE, () -> {
            fetched.add(reader.fetch());
            return done.test(fetched);
        });
        return fetched;
    }

    private static void write(String topic, int partition, String prefix, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < count; i++) {
                producer.send(record(topic, partition, prefix + i));
            }
            producer.flush();
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value) {
        return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything fetched: record values and the last resume offset per split, finished splits. */
    private static final class Fetched {
        final Map<String, List<String>> values = new HashMap<>();
        final Map<String, Long> nextOffsets = new HashMap<>();
        final List<String> finished = new ArrayList<>();

        void add(RecordsWithSplitIds<FetchedRecord> batch) {
            for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
                for (FetchedRecord e = batch.nextRecordFromSplit(); e != null; e = batch.nextRecordFromSplit()) {
                    if (e.record() != null) {
                        values.computeIfAbsent(split, s -> new ArrayList<>())
                                .add(new String(e.record().value(), StandardCharsets.UTF_8));
                    }
                    nextOffsets.put(split, e.nextOffset());
                }
            }
            finished.addAll(batch.finishedSplits());
        }

        List<String> values(String split) {
            return values.getOrDefault(split, List.of());
        }
    }
}
