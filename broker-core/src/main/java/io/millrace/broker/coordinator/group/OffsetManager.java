package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OffsetCommit, OffsetFetch and OffsetDelete, offset retention, and the removal of offsets of
 * deleted topics, with Kafka's rules: members commit with their generation (classic) or epoch
 * (consumer protocol); anyone may commit with generation -1 and no member id while the group has
 * no members (admin tools, Flink's and Storm's assign()-mode consumers), which creates a "simple"
 * group for an unknown id. Topics are resolved by name, or by id from v10 of the offset APIs.
 * Confined to the coordinator thread.
 */
final class OffsetManager {

    private static final Logger log = LoggerFactory.getLogger(OffsetManager.class);

    private final CoordinatorContext ctx;
    private final ClassicRebalance classicRebalance;

    OffsetManager(CoordinatorContext ctx, ClassicRebalance classicRebalance) {
        this.ctx = ctx;
        this.classicRebalance = classicRebalance;
    }

    void commit(
            ClientInfo client, OffsetCommitRequestData request, CompletableFuture<OffsetCommitResponseData> future) {
        boolean byId = client.apiVersion() >= 10;
        Errors groupError = validateCommit(
                request.groupId(),
                request.memberId(),
                request.groupInstanceId(),
                request.generationIdOrMemberEpoch(),
                client.apiVersion(),
                false);
        if (groupError == Errors.NONE) {
            keepClassicSessionAlive(request.groupId(), request.memberId());
        }
        long now = ctx.now();
        long expire = request.retentionTimeMs() == -1 ? -1 : now + request.retentionTimeMs();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        List<GroupRecord> records = new ArrayList<>();
        List<OffsetCommitResponsePartition> written = new ArrayList<>();
        for (OffsetCommitRequestTopic t : request.topics()) {
            OffsetCommitResponseTopic rt =
                    new OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
            response.topics().add(rt);
            TopicsView.Topic topic = byId ? ctx.topics.byId(t.topicId()) : ctx.topics.byName(t.name());
            for (OffsetCommitRequestPartition p : t.partitions()) {
                OffsetCommitResponsePartition rp =
                        new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                Errors error = groupError;
                if (error == Errors.NONE) {
                    error = checkPartition(topic, byId, p.partitionIndex(), p.committedMetadata());
                }
                if (error != Errors.NONE) {
                    rp.setErrorCode(error.code());
                    continue;
                }
                records.add(new OffsetCommit(
                        request.groupId(),
                        topic.name(),
                        p.partitionIndex(),
                        new OffsetAndMetadata(
                                p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(), now, expire)));
                written.add(rp);
            }
        }
        if (records.isEmpty()) {
            future.complete(response);
            return;
        }
        records.forEach(r -> ctx.store.replay(r, now));
        ctx.writer.write(ctx.store.partitionFor(request.groupId()), records, error -> {
            Errors reported = error == Errors.NONE ? Errors.NONE : AppendErrors.toCommitError(error);
            written.forEach(rp -> rp.setErrorCode(reported.code()));
            future.complete(response);
        });
    }

    /**
     * A commit from a member of a Stable classic group, or of one waiting for its members to rejoin,
     * counts as a heartbeat, as in Kafka: it shows the member is alive, so its session starts over.
     */
    private void keepClassicSessionAlive(String groupId, String memberId) {
        if (ctx.store.get(groupId) instanceof ClassicGroup group
                && (group.is(ClassicGroupState.STABLE) || group.is(ClassicGroupState.PREPARING_REBALANCE))) {
            ClassicMember member = group.member(memberId);
            if (member != null) {
                classicRebalance.rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
            }
        }
    }

    /**
     * Checks a commit against its group (creating a "simple" group for a commit from outside an
     * unknown group); NONE when it may go ahead.
     */
    Errors validateCommit(
            String groupId, String memberId, String instanceId, int generation, short version, boolean transactional) {
        Group group = ctx.store.get(groupId);
        try {
            if (group == null) {
                if (generation >= 0) {
                    return version >= 9 && !transactional ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
                }
                ctx.store.put(new ClassicGroup(groupId, ctx.store.partitionFor(groupId), ctx.now()));
                return Errors.NONE;
            }
            group.validateOffsetCommit(memberId, instanceId, generation, version, transactional);
            return Errors.NONE;
        } catch (ApiException e) {
            return Errors.forException(e);
        }
    }

    Errors checkPartition(TopicsView.Topic topic, boolean byId, int partition, String metadata) {
        if (topic == null) {
            return byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (partition < 0 || partition >= topic.partitions()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (metadata != null && metadata.length() > ctx.config.offsetMetadataMaxBytes()) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        return Errors.NONE;
    }

    /**
     * The committed offsets of one group; unknown partitions get offset -1. With {@code requireStable}
     * a partition with an offset committed in a transaction still open gets UNSTABLE_OFFSET_COMMIT
     * (the client retries until the transaction ended).
     */
    OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request, boolean byId, boolean requireStable) {
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(request.groupId());
        Group group = ctx.store.get(request.groupId());
        boolean nothingCommitted = group == null;
        if (group != null) {
            try {
                group.validateOffsetFetch(request.memberId(), request.memberEpoch());
            } catch (ApiException e) {
                if (Errors.forException(e) != Errors.GROUP_ID_NOT_FOUND) {
                    return response.setErrorCode(Errors.forException(e).code());
                }
                nothingCommitted = true;
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets =
                nothingCommitted ? Map.of() : ctx.store.offsets.offsets(request.groupId());
        if (request.topics() == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new HashMap<>();
            offsets.forEach((tp, o) -> {
                TopicsView.Topic topic = ctx.topics.byName(tp.topic());
                if (byId && topic == null) {
                    return; // no id to report for a topic that no longer exists
                }
                OffsetFetchResponseTopics rt = byTopic.computeIfAbsent(tp.topic(), name -> {
                    OffsetFetchResponseTopics created = new OffsetFetchResponseTopics()
                            .setName(name)
                            .setTopicId(topic == null ? Uuid.ZERO_UUID : topic.id());
                    response.topics().add(created);
                    return created;
                });
                rt.partitions().add(stable(request.groupId(), tp, partition(tp.partition(), o), requireStable));
            });
            return response;
        }
        for (OffsetFetchRequestTopics t : request.topics()) {
            TopicsView.Topic topic = byId ? ctx.topics.byId(t.topicId()) : null;
            String name = byId ? (topic == null ? null : topic.name()) : t.name();
            OffsetFetchResponseTopics rt =
                    new OffsetFetchResponseTopics().setName(t.name()).setTopicId(t.topicId());
            response.topics().add(rt);
            for (int p : t.partitionIndexes()) {
                if (name == null) {
                    rt.partitions().add(partition(p, null).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                } else {
                    TopicPartition tp = new TopicPartition(name, p);
                    rt.partitions().add(stable(request.groupId(), tp, partition(p, offsets.get(tp)), requireStable));
                }
            }
        }
        return response;
    }

    private OffsetFetchResponsePartitions stable(
            String groupId, TopicPartition tp, OffsetFetchResponsePartitions p, boolean requireStable) {
        if (requireStable && ctx.store.pendingTxnOffsets.isPending(groupId, tp)) {
            return p.setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code())
                    .setCommittedOffset(-1)
                    .setCommittedLeaderEpoch(-1)
                    .setMetadata("");
        }
        return p;
    }

    private static OffsetFetchResponsePartitions partition(int partition, OffsetAndMetadata o) {
        return new OffsetFetchResponsePartitions()
                .setPartitionIndex(partition)
                .setCommittedOffset(o == null ? -1 : o.offset())
                .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                .setMetadata(o == null ? "" : o.metadata())
                .setErrorCode(Errors.NONE.code());
    }

    void delete(OffsetDeleteRequestData request, CompletableFuture<OffsetDeleteResponseData> future) {
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        Group group = ctx.store.get(request.groupId());
        if (group == null) {
            future.complete(response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
            return;
        }
        try {
            group.validateOffsetDelete();
        } catch (ApiException e) {
            future.complete(response.setErrorCode(Errors.forException(e).code()));
            return;
        }
        List<GroupRecord> records = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics()) {
            OffsetDeleteResponseTopic rt = new OffsetDeleteResponseTopic().setName(t.name());
            response.topics().add(rt);
            TopicsView.Topic topic = ctx.topics.byName(t.name());
            boolean subscribed = group.isSubscribedTo(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                Errors error = Errors.NONE;
                if (topic == null || p.partitionIndex() < 0 || p.partitionIndex() >= topic.partitions()) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (subscribed) {
                    error = Errors.GROUP_SUBSCRIBED_TO_TOPIC;
                } else if (ctx.store.offsets.get(request.groupId(), new TopicPartition(t.name(), p.partitionIndex()))
                        != null) {
                    records.add(new OffsetCommit(request.groupId(), t.name(), p.partitionIndex(), null));
                }
                rt.partitions()
                        .add(new OffsetDeleteResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(error.code()));
            }
        }
        long now = ctx.now();
        records.forEach(r -> ctx.store.replay(r, now));
        ctx.writer.write(
                group.partition(),
                records,
                error -> future.complete(
                        error == Errors.NONE
                                ? response
                                : new OffsetDeleteResponseData()
                                        .setErrorCode(AppendErrors.toResponseError(error)
                                                .code())));
    }

    /**
     * Removes offsets past {@code offsets.retention.ms} (counted as Kafka does, see
     * {@link Group#expiryBaseTimestamp}) and then groups left empty without offsets.
     */
    void expire(Set<Integer> loadedPartitions) {
        long now = ctx.now();
        long retention = ctx.config.offsetsRetentionMs();
        Map<Integer, List<GroupRecord>> byPartition = new HashMap<>();
        for (Group group : ctx.store.all()) {
            if (!loadedPartitions.contains(group.partition())) {
                continue;
            }
            List<GroupRecord> expired = new ArrayList<>();
            ctx.store.offsets.offsets(group.groupId()).forEach((tp, o) -> {
                if (group.isSubscribedTo(tp.topic())) {
                    return;
                }
                long base = group.expiryBaseTimestamp(o);
                boolean isExpired = o.expireTimestampMs() >= 0
                        ? now >= o.expireTimestampMs()
                        : base >= 0 && now - base >= retention;
                if (isExpired) {
                    expired.add(new OffsetCommit(group.groupId(), tp.topic(), tp.partition(), null));
                }
            });
            expired.forEach(r -> ctx.store.replay(r, now));
            if (!expired.isEmpty()) {
                log.info(
                        "Group {}: {} committed offset(s) expired (offsets.retention.ms={})",
                        group.groupId(),
                        expired.size(),
                        retention);
            }
            if (group.isEmpty() && !ctx.store.offsets.hasOffsets(group.groupId())) {
                group.addTombstones(expired);
                ctx.store.remove(group.groupId());
                log.info("Group {} is empty and has no committed offsets left; removed it", group.groupId());
            }
            byPartition
                    .computeIfAbsent(group.partition(), p -> new ArrayList<>())
                    .addAll(expired);
        }
        byPartition.forEach((p, records) -> {
            if (!records.isEmpty()) {
                ctx.writer.write(p, records, error -> {
                    if (error != Errors.NONE) {
                        log.warn("Removing expired offsets of __consumer_offsets partition {} failed: {}", p, error);
                    }
                });
            }
        });
    }

    /** Deletes every group's offsets of a deleted topic, as Kafka does. */
    void onTopicDeleted(String topic, Set<Integer> loaded) {
        Map<Integer, List<GroupRecord>> byPartition = new HashMap<>();
        for (String groupId : new ArrayList<>(ctx.store.offsets.groups())) {
            int partition = ctx.store.partitionFor(groupId);
            if (!loaded.contains(partition)) {
                continue;
            }
            for (TopicPartition tp :
                    new ArrayList<>(ctx.store.offsets.offsets(groupId).keySet())) {
                if (tp.topic().equals(topic)) {
                    byPartition
                            .computeIfAbsent(partition, p -> new ArrayList<>())
                            .add(new OffsetCommit(groupId, tp.topic(), tp.partition(), null));
                }
            }
        }
        long now = ctx.now();
        byPartition.forEach((p, records) -> {
            records.forEach(r -> ctx.store.replay(r, now));
            log.info("Topic '{}' was deleted: removed {} committed offset(s) of it", topic, records.size());
            ctx.writer.write(p, records, error -> {
                if (error != Errors.NONE) {
                    log.warn("Removing the offsets of deleted topic '{}' failed: {}", topic, error);
                }
            });
        });
    }
}
