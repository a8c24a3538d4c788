package io.millrace.flink.source.reader;

import io.millrace.flink.source.split.MillraceSplit;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets each checkpoint would commit to the consumer group, kept from the checkpoint's
 * snapshot until the checkpoint completes and the commit succeeds. Offsets of splits that finished
 * are kept until a commit includes them.
 *
 * <p>Thread-safe: snapshots come from the task thread, commit results from the fetcher thread.
 */
final class PendingOffsetCommits {

    private final SortedMap<Long, Map<TopicPartition, Long>> byCheckpoint = new TreeMap<>();
    private final Map<TopicPartition, Long> finishedSplits = new HashMap<>();

    synchronized void splitFinished(TopicPartition partition, long nextOffset) {
        finishedSplits.put(partition, nextOffset);
    }

    /** Records what checkpoint {@code checkpointId} would commit: the splits' resume offsets. */
    synchronized void snapshot(long checkpointId, Collection<MillraceSplit> splits) {
        Map<TopicPartition, Long> offsets = new HashMap<>(finishedSplits);
        splits.forEach(split -> offsets.put(split.partition(), split.startingOffset()));
        byCheckpoint.put(checkpointId, offsets);
    }

    /** The offsets of a snapshot not committed yet; empty when there is none. */
    synchronized Optional<Map<TopicPartition, Long>> offsetsOf(long checkpointId) {
        return Optional.ofNullable(byCheckpoint.get(checkpointId)).map(Map::copyOf);
    }

    /**
     * Forgets checkpoint {@code checkpointId} and all before it (their offsets are behind), and
     * the finished splits whose offsets it committed.
     */
    synchronized void committed(long checkpointId, Map<TopicPartition, Long> offsets) {
        byCheckpoint.headMap(checkpointId + 1).clear();
        finishedSplits.entrySet().removeIf(e -> e.getValue().equals(offsets.get(e.getKey())));
    }
}
