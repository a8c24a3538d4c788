package io.millrace.flink.source.enumerator;

import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Partition offsets from the broker through the enumerator's admin client. End offsets honour the
 * source's isolation level: a {@code read_committed} source's "latest" is the last stable offset,
 * the furthest its readers can get, so a bounded read never waits for a transaction still open.
 * Used on the enumerator's worker thread only.
 */
final class AdminOffsetsRetriever implements OffsetsInitializer.PartitionOffsetsRetriever {

    private final Admin admin;

    @Nullable
    private final String groupId;

    private final IsolationLevel isolationLevel;

    AdminOffsetsRetriever(Admin admin, @Nullable String groupId, IsolationLevel isolationLevel) {
        this.admin = admin;
        this.groupId = groupId;
        this.isolationLevel = isolationLevel;
    }

    @Override
    public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
        if (groupId == null || partitions.isEmpty()) {
            return Map.of();
        }
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        AdminCalls.get(
                        admin.listConsumerGroupOffsets(Map.of(groupId, spec)).partitionsToOffsetAndMetadata(groupId),
                        "reading the committed offsets of group " + groupId)
                .forEach((partition, committed) -> {
                    if (committed != null) {
                        offsets.put(partition, committed.offset());
                    }
                });
        return offsets;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.latest());
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.earliest());
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        timestampsToSearch.forEach((partition, timestamp) -> specs.put(partition, OffsetSpec.forTimestamp(timestamp)));
        Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
        list(specs).forEach((partition, info) -> {
            if (info.offset() >= 0) {
                found.put(partition, new OffsetAndTimestamp(info.offset(), info.timestamp(), info.leaderEpoch()));
            }
        });
        return found;
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(partition -> specs.put(partition, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        list(specs).forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> list(Map<TopicPartition, OffsetSpec> specs) {
        if (specs.isEmpty()) {
            return Map.of();
        }
        return AdminCalls.get(
                admin.listOffsets(specs, new ListOffsetsOptions(isolationLevel)).all(),
                "listing offsets of " + specs.keySet());
    }
}
