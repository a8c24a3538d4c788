package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed offsets by group and partition, as replayed from {@code __consumer_offsets}
 * records (a tombstone removes one). Confined to the coordinator thread.
 */
final class OffsetStore {

    private final Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup = new HashMap<>();

    void replay(OffsetCommit record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (record.value() == null) {
            Map<TopicPartition, OffsetAndMetadata> offsets = byGroup.get(record.groupId());
            if (offsets != null) {
                offsets.remove(tp);
                if (offsets.isEmpty()) {
                    byGroup.remove(record.groupId());
                }
            }
        } else {
            byGroup.computeIfAbsent(
                            record.groupId(),
                            g -> new TreeMap<>(java.util.Comparator.comparing(TopicPartition::topic)
                                    .thenComparingInt(TopicPartition::partition)))
                    .put(tp, record.value());
        }
    }

    OffsetAndMetadata get(String group, TopicPartition tp) {
        Map<TopicPartition, OffsetAndMetadata> offsets = byGroup.get(group);
        return offsets == null ? null : offsets.get(tp);
    }

    /** The group's offsets, ordered by topic and partition (a view). */
    Map<TopicPartition, OffsetAndMetadata> offsets(String group) {
        Map<TopicPartition, OffsetAndMetadata> offsets = byGroup.get(group);
        return offsets == null ? Map.of() : Collections.unmodifiableMap(offsets);
    }

    boolean hasOffsets(String group) {
        return byGroup.containsKey(group);
    }

    Set<String> groups() {
        return Collections.unmodifiableSet(byGroup.keySet());
    }

    void removeGroup(String group) {
        byGroup.remove(group);
    }
}
