package io.millrace.flink.sink;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Writes everything a writer receives to one partition per topic: writer {@code i} writes to
 * partition {@code i % partitions}, so with as many writers as partitions each partition has one
 * writer (Flink's "fixed" partitioner). Keeps no state beyond the writer's index.
 *
 * @param <T> the type of the sink's elements
 */
@PublicEvolving
public final class FixedPartitioner<T> implements MillracePartitioner<T> {

    private static final long serialVersionUID = 1L;

    private int parallelInstanceId = -1;

    @Override
    public void open(int parallelInstanceId, int parallelInstances) {
        if (parallelInstanceId < 0 || parallelInstances <= 0) {
            throw new IllegalArgumentException("Writer " + parallelInstanceId + " of " + parallelInstances);
        }
        this.parallelInstanceId = parallelInstanceId;
    }

    @Override
    public int partition(T element, byte[] key, byte[] value, String targetTopic, int[] partitions) {
        if (parallelInstanceId < 0) {
            throw new IllegalStateException("FixedPartitioner used before open()");
        }
        if (partitions.length == 0) {
            throw new IllegalArgumentException("Topic " + targetTopic + " has no partitions");
        }
        return partitions[parallelInstanceId % partitions.length];
    }
}
