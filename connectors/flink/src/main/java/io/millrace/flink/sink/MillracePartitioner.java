package io.millrace.flink.sink;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Chooses the partition of each element's record; without one the producer's partitioner decides
 * (by key hash, or sticky batches without a key). The counterpart of {@code KafkaPartitioner}.
 *
 * @param <T> the type of the sink's elements
 */
@PublicEvolving
public interface MillracePartitioner<T> extends Serializable {

    /** Called once per writer before the first {@link #partition}. */
    default void open(int parallelInstanceId, int parallelInstances) {}

    /**
     * The partition to write {@code element} to.
     *
     * @param key the serialized key, or {@code null}
     * @param value the serialized value
     * @param targetTopic the record's topic
     * @param partitions the partition numbers of {@code targetTopic}, ascending
     */
    int partition(T element, byte[] key, byte[] value, String targetTopic, int[] partitions);
}
