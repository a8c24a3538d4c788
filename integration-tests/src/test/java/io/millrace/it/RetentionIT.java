package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention deletes whole old segments by time ({@code retention.ms}) and by size
 * ({@code retention.bytes}), and keeps everything with {@code retention.ms=-1}. Topics use the
 * smallest segments allowed and the broker checks retention often, so the effect shows in seconds.
 */
class RetentionIT {

    private static final int SEGMENT_BYTES = 1024;
    private static final int RECORDS = 60;
    private static final int VALUE_BYTES = 100;
    private static final Duration RETENTION_DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("log.retention.check.interval.ms", "200")
            .override("log.segment.delete.delay.ms", "100")
            .build();

    @Test
    void timeRetentionDeletesOldSegmentsWhileRetentionMinusOneKeepsEverything() {
        String forever = "kept-forever";
        String shortLived = "short-lived";
        Clients.createTopic(
                broker.admin(),
                forever,
                1,
                Map.of("segment.bytes", String.valueOf(SEGMENT_BYTES), "retention.ms", "-1"));
        Clients.createTopic(
                broker.admin(),
                shortLived,
                1,
                Map.of("segment.bytes", String.valueOf(SEGMENT_BYTES), "retention.ms", "2000"));
        // Month-old records: any finite time retention would delete them at once.
        produceOneBatchPerRecord(
                forever, System.currentTimeMillis() - Duration.ofDays(30).toMillis());
        produceOneBatchPerRecord(shortLived, System.currentTimeMillis());
        TopicPartition shortLivedPartition = new TopicPartition(shortLived, 0);

        long earliest = Await.value(
                "retention to delete old segments of " + shortLived,
                RETENTION_DEADLINE,
                () -> offset(shortLivedPartition, OffsetSpec.earliest()),
                offset -> offset > 0);

        assertThat(earliest).isLessThanOrEqualTo(RECORDS);
        assertThat(offset(shortLivedPartition, OffsetSpec.latest()))
                .as("latest offset after retention")
                .isEqualTo(RECORDS);
        assertThat(readableRecords(shortLivedPartition))
                .as("records still readable in " + shortLived)
                .isEqualTo(RECORDS - offset(shortLivedPartition, OffsetSpec.earliest()));

        // The pass that trimmed short-lived ran after kept-forever was written, and left it whole.
        TopicPartition foreverPartition = new TopicPartition(forever, 0);
        assertThat(offset(foreverPartition, OffsetSpec.earliest()))
                .as("earliest offset of " + forever)
                .isZero();
        assertThat(offset(foreverPartition, OffsetSpec.latest())).isEqualTo(RECORDS);
        assertThat(readableRecords(foreverPartition))
                .as("records readable in " + forever)
                .isEqualTo(RECORDS);
    }

    @Test
    void sizeRetentionDeletesOldestSegmentsDownToTheLimit() {
        String topic = "size-capped";
        int retentionBytes = 2048;
        Clients.createTopic(
                broker.admin(),
                topic,
                1,
                Map.of(
                        "segment.bytes",
                        String.valueOf(SEGMENT_BYTES),
                        "retention.ms",
                        "-1",
                        "retention.bytes",
                        String.valueOf(retentionBytes)));
        long timestamp = System.currentTimeMillis();
        produceOneBatchPerRecord(topic, timestamp);
        int batchBytes = MemoryRecords.withRecords(
                        Compression.NONE, new SimpleRecord(timestamp, null, new byte[VALUE_BYTES]))
                .sizeInBytes();
        TopicPartition tp = new TopicPartition(topic, 0);

        // Kafka's rule: delete the oldest segments while what remains is still at least retention.bytes.
        long earliest = Await.value(
                "size retention to trim " + topic + " to about " + retentionBytes + " bytes",
                RETENTION_DEADLINE,
                () -> offset(tp, OffsetSpec.earliest()),
                offset -> (RECORDS - offset) * (long) batchBytes <= retentionBytes + SEGMENT_BYTES);

        long retainedBytes = (RECORDS - earliest) * (long) batchBytes;
        assertThat(earliest).as("earliest offset after size retention").isPositive();
        assertThat(retainedBytes)
                .as("bytes kept (" + (RECORDS - earliest) + " batches of " + batchBytes + ")")
                .isGreaterThanOrEqualTo(retentionBytes)
                .isLessThanOrEqualTo(retentionBytes + SEGMENT_BYTES);
        assertThat(offset(tp, OffsetSpec.latest())).isEqualTo(RECORDS);
        assertThat(readableRecords(tp)).isEqualTo(RECORDS - earliest);
    }

    /** Writes {@link #RECORDS} records, each acknowledged before the next is sent, so each is its own batch. */
    private void produceOneBatchPerRecord(String topic, long timestamp) {
        Map<String, Object> config = Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BATCH_SIZE_CONFIG, 1);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), config)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] value = new byte[VALUE_BYTES];
                Arrays.fill(value, (byte) i);
                producer.send(new ProducerRecord<>(topic, 0, timestamp, null, value))
                        .get();
            }
        } catch (Exception e) {
            throw new AssertionError("Producing to " + topic + " failed", e);
        }
    }

    private long offset(TopicPartition tp, OffsetSpec spec) {
        return Clients.await(broker.admin().listOffsets(Map.of(tp, spec)).partitionResult(tp))
                .offset();
    }

    private long readableRecords(TopicPartition tp) {
        AtomicLong count = new AtomicLong();
        Clients.readToEnd(broker.bootstrap(), List.of(tp), record -> count.incrementAndGet());
        return count.get();
    }
}
