package io.millrace.flink.source.enumerator;

import org.apache.kafka.common.TopicPartition;

/**
 * Which reader owns a partition: the partitions of a topic go round-robin over the readers,
 * starting at a reader chosen by the topic's name, so many small topics (a stream's) spread over
 * the readers too. The owner depends only on the partition and the parallelism, so a partition
 * discovered again, or given back by a failed reader, goes to the same reader. Stateless.
 */
final class SplitOwners {

    private SplitOwners() {}

    static int owner(TopicPartition partition, int readers) {
        int first = Math.floorMod(partition.topic().hashCode() * 31, readers);
        return (first + partition.partition()) % readers;
    }
}
