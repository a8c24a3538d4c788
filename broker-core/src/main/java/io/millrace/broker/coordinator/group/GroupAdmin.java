package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListGroups, DescribeGroups, ConsumerGroupDescribe and DeleteGroups over the loaded groups.
 * Confined to the coordinator thread.
 */
final class GroupAdmin {

    private static final Logger log = LoggerFactory.getLogger(GroupAdmin.class);

    private final CoordinatorContext ctx;

    GroupAdmin(CoordinatorContext ctx) {
        this.ctx = ctx;
    }

    /** Groups whose state and type match the filters (empty filter: all), compared without case as Kafka does. */
    List<ListedGroup> list(List<String> statesFilter, List<String> typesFilter) {
        Set<String> states = lower(statesFilter);
        Set<String> types = lower(typesFilter);
        List<ListedGroup> out = new ArrayList<>();
        for (Group g : ctx.store.all()) {
            if ((states.isEmpty() || states.contains(g.stateName().toLowerCase(Locale.ROOT)))
                    && (types.isEmpty() || types.contains(g.type().wireName))) {
                out.add(new ListedGroup()
                        .setGroupId(g.groupId())
                        .setProtocolType(g.protocolType())
                        .setGroupState(g.stateName())
                        .setGroupType(g.type().wireName));
            }
        }
        return out;
    }

    private static Set<String> lower(List<String> values) {
        return values == null
                ? Set.of()
                : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** DescribeGroups for one id: members with metadata and assignment only while the group is Stable. */
    DescribedGroup describeClassic(String groupId, short version) {
        DescribedGroup d = new DescribedGroup().setGroupId(groupId);
        Group g = ctx.store.get(groupId);
        if (!(g instanceof ClassicGroup group)) {
            if (version >= 6) {
                return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage(
                                g == null
                                        ? "Group " + groupId + " not found."
                                        : "Group " + groupId + " is not a classic group.")
                        .setGroupState("")
                        .setProtocolType("")
                        .setProtocolData("");
            }
            return d.setGroupState(ClassicGroupState.DEAD.wireName)
                    .setProtocolType("")
                    .setProtocolData("");
        }
        d.setErrorCode(Errors.NONE.code()).setGroupState(group.stateName()).setProtocolType(group.protocolType());
        boolean stable = group.is(ClassicGroupState.STABLE);
        d.setProtocolData(stable ? group.protocolName() : "");
        for (ClassicMember m : group.members()) {
            byte[] metadata = stable ? m.metadata(group.protocolName()) : null;
            d.members()
                    .add(new DescribedGroupMember()
                            .setMemberId(m.memberId())
                            .setGroupInstanceId(m.instanceId())
                            .setClientId(m.clientId())
                            .setClientHost(m.clientHost())
                            .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                            .setMemberAssignment(stable ? m.assignment() : new byte[0]));
        }
        return d;
    }

    /** ConsumerGroupDescribe for one id: epochs, assignor and every member's current and target assignment. */
    ConsumerGroupDescribeResponseData.DescribedGroup describeConsumer(String groupId) {
        ConsumerGroupDescribeResponseData.DescribedGroup d =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
        Group g = ctx.store.get(groupId);
        if (!(g instanceof ConsumerGroup group)) {
            return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage(
                            g == null
                                    ? "Group " + groupId + " not found."
                                    : "Group " + groupId + " is not a consumer group.");
        }
        d.setErrorCode(Errors.NONE.code())
                .setGroupState(group.stateName())
                .setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.assignmentEpoch())
                .setAssignorName(
                        group.preferredAssignor(ctx.config.consumerAssignors().get(0)));
        for (ConsumerMember m : group.members()) {
            d.members()
                    .add(new ConsumerGroupDescribeResponseData.Member()
                            .setMemberId(m.memberId())
                            .setInstanceId(m.instanceId())
                            .setRackId(m.subscription().rackId())
                            .setMemberEpoch(m.memberEpoch())
                            .setClientId(m.subscription().clientId())
                            .setClientHost(m.subscription().clientHost())
                            .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                            .setSubscribedTopicRegex(m.subscribedTopicRegex())
                            .setAssignment(describe(m.assigned()))
                            .setTargetAssignment(describe(group.target(m.memberId())))
                            .setMemberType((byte) 1));
        }
        return d;
    }

    private ConsumerGroupDescribeResponseData.Assignment describe(Assignment a) {
        ConsumerGroupDescribeResponseData.Assignment out = new ConsumerGroupDescribeResponseData.Assignment();
        for (Map.Entry<Uuid, Set<Integer>> e : a.partitions().entrySet()) {
            TopicsView.Topic t = ctx.topics.byId(e.getKey());
            if (t != null) {
                out.topicPartitions()
                        .add(new ConsumerGroupDescribeResponseData.TopicPartitions()
                                .setTopicId(e.getKey())
                                .setTopicName(t.name())
                                .setPartitions(new ArrayList<>(e.getValue())));
            }
        }
        return out;
    }

    /**
     * Deletes groups that have no members, with their offsets; answers once the tombstones are
     * durable. Ids not ready (still loading) get their error from {@code preErrors}.
     */
    void delete(
            List<String> groupIds,
            Map<String, Errors> preErrors,
            CompletableFuture<DeletableGroupResultCollection> future) {
        DeletableGroupResultCollection results = new DeletableGroupResultCollection();
        Map<Integer, List<GroupRecord>> byPartition = new HashMap<>();
        Map<Integer, List<DeletableGroupResult>> deletedByPartition = new HashMap<>();
        for (String groupId : groupIds) {
            if (results.find(groupId) != null) {
                continue;
            }
            DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
            results.add(result);
            Errors pre = preErrors.get(groupId);
            if (pre != null) {
                result.setErrorCode(pre.code());
                continue;
            }
            Group g = ctx.store.get(groupId);
            try {
                if (g == null) {
                    throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + groupId + " not found.");
                }
                g.validateDelete();
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                continue;
            }
            List<GroupRecord> records = byPartition.computeIfAbsent(g.partition(), p -> new ArrayList<>());
            for (TopicPartition tp : ctx.store.offsets.offsets(groupId).keySet()) {
                records.add(new OffsetCommit(groupId, tp.topic(), tp.partition(), null));
            }
            g.addTombstones(records);
            ctx.store.offsets.removeGroup(groupId);
            ctx.store.remove(groupId);
            deletedByPartition
                    .computeIfAbsent(g.partition(), p -> new ArrayList<>())
                    .add(result);
            log.info("Deleted group {} and its committed offsets", groupId);
        }
        if (byPartition.isEmpty()) {
            future.complete(results);
            return;
        }
        int[] pending = {byPartition.size()};
        byPartition.forEach((partition, records) -> ctx.writer.write(partition, records, error -> {
            Errors reported = error == Errors.NONE ? Errors.NONE : AppendErrors.toResponseError(error);
            deletedByPartition.get(partition).forEach(r -> r.setErrorCode(reported.code()));
            if (--pending[0] == 0) {
                future.complete(results);
            }
        }));
    }
}
