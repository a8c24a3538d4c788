package io.millrace.bench.spark;

import io.millrace.testing.Clients;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;

/** What a sink run left in its topic, read back with plain kafka-clients. Stateless. */
final class SinkTopics {

    private SinkTopics() {}

    /** Records a {@code read_committed} reader finds in a sink's topic, and the distinct row indexes among them. */
    record Committed(long records, long distinct) {

        static final Committed NONE = new Committed(-1, -1);
    }

    /** Reads all of {@code topic} with {@code read_committed} and counts its records and distinct {@link BenchRows} indexes. */
    static Committed read(String bootstrap, String topic, int partitions) {
        List<TopicPartition> all = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .toList();
        long[] count = {0};
        BitSet indexes = new BitSet();
        Clients.readToEnd(bootstrap, all, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), record -> {
            count[0]++;
            indexes.set(Math.toIntExact(BenchRows.index(record.value())));
        });
        return new Committed(count[0], indexes.cardinality());
    }
}
