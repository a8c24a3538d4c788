package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Clients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A deterministic stream of records: record {@code i} (its key, value, headers and timestamp) is
 * a pure function of the seed and {@code i}, so a reader checks what it receives by recomputing
 * it instead of remembering what was sent. Record {@code i} goes to partition {@code i % partitions},
 * so the record at offset {@code k} of partition {@code p} is record {@code k * partitions + p}.
 * Keys and values are sometimes null or empty, and headers sometimes absent or null-valued.
 */
record GeneratedRecords(long seed, int partitions, long baseTimestamp) {

    /** How many of the first {@code total} records go to {@code partition}. */
    long countInPartition(long total, int partition) {
        return total / partitions + (partition < total % partitions ? 1 : 0);
    }

    /** The index of the record at {@code offset} of {@code partition} (offsets start at 0). */
    long indexAt(int partition, long offset) {
        return offset * partitions + partition;
    }

    ProducerRecord<byte[], byte[]> record(String topic, long i) {
        SplittableRandom random = random(i);
        byte[] key = key(random, i);
        byte[] value = value(random, i);
        RecordHeaders headers = headers(random, i);
        return new ProducerRecord<>(topic, (int) (i % partitions), timestamp(i), key, value, headers);
    }

    /**
     * Reads every partition of {@code topic} from its start to its end and asserts that together
     * they hold exactly the first {@code total} records, each at its offset.
     */
    void assertTopicHolds(String bootstrap, String topic, long total) {
        long[] next = new long[partitions];
        List<String> mismatches = new ArrayList<>();
        List<TopicPartition> topicPartitions = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .toList();
        Clients.readToEnd(bootstrap, topicPartitions, received -> {
            int p = received.partition();
            if (received.offset() != next[p] && mismatches.size() < 20) {
                mismatches.add("partition " + p + ": expected offset " + next[p] + " but read " + received.offset());
            }
            String diff = difference(received, indexAt(p, received.offset()));
            if (diff != null && mismatches.size() < 20) {
                mismatches.add(diff);
            }
            next[p] = received.offset() + 1;
        });
        assertThat(mismatches).as("records that differ from what was produced").isEmpty();
        for (int p = 0; p < partitions; p++) {
            assertThat(next[p]).as("records read from partition " + p).isEqualTo(countInPartition(total, p));
        }
    }

    /** Null if {@code received} is record {@code i}, else what differs. */
    String difference(ConsumerRecord<byte[], byte[]> received, long i) {
        SplittableRandom random = random(i);
        byte[] key = key(random, i);
        byte[] value = value(random, i);
        Header[] headers = headers(random, i).toArray();
        StringBuilder diff = new StringBuilder();
        if (received.partition() != (int) (i % partitions)) {
            diff.append(" partition ")
                    .append(received.partition())
                    .append(" != ")
                    .append(i % partitions);
        }
        if (!Arrays.equals(received.key(), key)) {
            diff.append(" key ")
                    .append(Arrays.toString(received.key()))
                    .append(" != ")
                    .append(Arrays.toString(key));
        }
        if (!Arrays.equals(received.value(), value)) {
            diff.append(" value of ")
                    .append(received.value() == null ? "null" : received.value().length + " bytes")
                    .append(" != ")
                    .append(value == null ? "null" : value.length + " bytes");
        }
        if (received.timestamp() != timestamp(i) || received.timestampType() != TimestampType.CREATE_TIME) {
            diff.append(" timestamp ")
                    .append(received.timestampType())
                    .append(' ')
                    .append(received.timestamp())
                    .append(" != CreateTime ")
                    .append(timestamp(i));
        }
        Header[] got = received.headers().toArray();
        if (!sameHeaders(got, headers)) {
            diff.append(" headers ").append(Arrays.toString(got)).append(" != ").append(Arrays.toString(headers));
        }
        return diff.length() == 0
                ? null
                : "record " + i + " at " + received.topic() + "-" + received.partition() + "@" + received.offset() + ":"
                        + diff;
    }

    private long timestamp(long i) {
        return baseTimestamp + i;
    }

    private SplittableRandom random(long i) {
        return new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
    }

    private static byte[] key(SplittableRandom random, long i) {
        int length = random.nextInt(25);
        if (i % 50 == 0) {
            return null;
        }
        return bytes(random, length);
    }

    private static byte[] value(SplittableRandom random, long i) {
        int length = random.nextInt(160);
        if (i % 1000 == 7) {
            return null;
        }
        return bytes(random, length);
    }

    private static RecordHeaders headers(SplittableRandom random, long i) {
        RecordHeaders headers = new RecordHeaders();
        int count = random.nextInt(3);
        for (int h = 0; h < count; h++) {
            byte[] value = bytes(random, random.nextInt(17));
            headers.add(new RecordHeader("h" + h + "-" + (i % 7), h == 1 && i % 3 == 0 ? null : value));
        }
        return headers;
    }

    private static boolean sameHeaders(Header[] a, Header[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int n = 0; n < a.length; n++) {
            if (!a[n].key().equals(b[n].key()) || !Arrays.equals(a[n].value(), b[n].value())) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int n = 0; n < length; n++) {
            bytes[n] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** UTF-8 bytes; for tests that write text. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
