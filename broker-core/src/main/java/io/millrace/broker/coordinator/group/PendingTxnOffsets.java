package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets committed within transactions whose outcome is not known yet (TxnOffsetCommit), by
 * producer, group and partition. They are not committed offsets: OffsetFetch does not return them,
 * and with {@code requireStable} reports UNSTABLE_OFFSET_COMMIT for their partitions. The
 * transaction's marker in the group's {@code __consumer_offsets} partition either makes them
 * committed offsets (commit) or drops them (abort). Confined to the coordinator thread.
 */
final class PendingTxnOffsets {

    private final Map<Long, Map<String, Map<TopicPartition, OffsetCommit>>> byProducer = new HashMap<>();

    void add(long producerId, OffsetCommit record) {
        byProducer
                .computeIfAbsent(producerId, p -> new HashMap<>())
                .computeIfAbsent(record.groupId(), g -> new LinkedHashMap<>())
                .put(new TopicPartition(record.topic(), record.partition()), record);
    }

    /** Forgets records of the producer that were never written (the append failed). */
    void remove(long producerId, List<OffsetCommit> records) {
        Map<String, Map<TopicPartition, OffsetCommit>> groups = byProducer.get(producerId);
        if (groups == null) {
            return;
        }
        for (OffsetCommit r : records) {
            Map<TopicPartition, OffsetCommit> offsets = groups.get(r.groupId());
            if (offsets != null && offsets.get(new TopicPartition(r.topic(), r.partition())) == r) {
                offsets.remove(new TopicPartition(r.topic(), r.partition()));
                if (offsets.isEmpty()) {
                    groups.remove(r.groupId());
                }
            }
        }
        if (groups.isEmpty()) {
            byProducer.remove(producerId);
        }
    }

    /** Whether a transaction has written an offset of the partition for the group that is not decided yet. */
    boolean isPending(String groupId, TopicPartition tp) {
        for (Map<String, Map<TopicPartition, OffsetCommit>> groups : byProducer.values()) {
            Map<TopicPartition, OffsetCommit> offsets = groups.get(groupId);
            if (offsets != null && offsets.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    boolean hasPending(String groupId) {
        for (Map<String, Map<TopicPartition, OffsetCommit>> groups : byProducer.values()) {
            if (groups.containsKey(groupId)) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the producer's pending offsets of the groups {@code inPartition} accepts. */
    List<OffsetCommit> complete(long producerId, Predicate<String> inPartition) {
        List<OffsetCommit> out = new ArrayList<>();
        Map<String, Map<TopicPartition, OffsetCommit>> groups = byProducer.get(producerId);
        if (groups == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, Map<TopicPartition, OffsetCommit>>> it =
                        groups.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, Map<TopicPartition, OffsetCommit>> e = it.next();
            if (inPartition.test(e.getKey())) {
                out.addAll(e.getValue().values());
                it.remove();
            }
        }
        if (groups.isEmpty()) {
            byProducer.remove(producerId);
        }
        return out;
    }

    /** Forgets the pending offsets of the groups {@code inPartition} accepts (the partition is reloaded). */
    void unload(Predicate<String> inPartition) {
        for (Iterator<Map<String, Map<TopicPartition, OffsetCommit>>> it =
                        byProducer.values().iterator();
                it.hasNext(); ) {
            Map<String, Map<TopicPartition, OffsetCommit>> groups = it.next();
            groups.keySet().removeIf(inPartition);
            if (groups.isEmpty()) {
                it.remove();
            }
        }
    }
}
