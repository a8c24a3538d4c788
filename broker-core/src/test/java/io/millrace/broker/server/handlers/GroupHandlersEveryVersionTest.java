package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every group handler, at every version it advertises, answers a realistic request with a
 * response that our encoder writes and Kafka's own parser reads back; the coordinator runs on its
 * own thread over a real {@code __consumer_offsets} partition, as in the broker.
 */
class GroupHandlersEveryVersionTest {

    private static final Map<String, String> SETTINGS =
            Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "2");

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture(SETTINGS);

    private GroupCoordinator groups;
    private TopicState topic;

    @BeforeEach
    void setUp() throws Exception {
        topic = fixture.createTopic("orders", 2, Map.of());
        groups = fixture.startGroupCoordinator(2, new ManualClock());
    }

    @Test
    void findCoordinatorNamesThisNodeForGroupsAndExplainsTransactions() {
        FindCoordinatorHandler handler = new FindCoordinatorHandler(AdminHandlerFixture.CLUSTER);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            FindCoordinatorRequestData group = new FindCoordinatorRequestData().setKeyType((byte) 0);
            FindCoordinatorRequestData txn = new FindCoordinatorRequestData().setKeyType((byte) 1);
            if (v >= 4) {
                group.setCoordinatorKeys(List.of("g1", "g2"));
                txn.setCoordinatorKeys(List.of("tx"));
            } else {
                group.setKey("g1");
                txn.setKey("tx");
            }
            FindCoordinatorResponse r =
                    (FindCoordinatorResponse) roundTrip(handler, ApiKeys.FIND_COORDINATOR, group, v);
            if (v >= 4) {
                assertThat(r.data().coordinators()).extracting(c -> c.nodeId()).containsExactly(0, 0);
                assertThat(r.data().coordinators().get(0).port()).isEqualTo(9092);
            } else {
                assertThat(r.data().nodeId()).isZero();
                assertThat(r.data().host()).isEqualTo("127.0.0.1");
            }
            if (v >= 1) {
                FindCoordinatorResponse t =
                        (FindCoordinatorResponse) roundTrip(handler, ApiKeys.FIND_COORDINATOR, txn, v);
                Errors error = Errors.forCode(
                        v >= 4
                                ? t.data().coordinators().get(0).errorCode()
                                : t.data().errorCode());
                int node = v >= 4
                        ? t.data().coordinators().get(0).nodeId()
                        : t.data().nodeId();
                assertThat(error).as("this node coordinates transactions too").isEqualTo(Errors.NONE);
                assertThat(node).isZero();
            }
        }
    }

    @Test
    void classicGroupLifecycleAtEveryVersion() {
        JoinGroupHandler join = new JoinGroupHandler(groups);
        SyncGroupHandler sync = new SyncGroupHandler(groups);
        HeartbeatHandler heartbeat = new HeartbeatHandler(groups);
        LeaveGroupHandler leave = new LeaveGroupHandler(groups);
        for (short v = join.minVersion(); v <= join.maxVersion(); v++) {
            String group = "classic-v" + v;
            JoinGroupRequestData request = new JoinGroupRequestData()
                    .setGroupId(group)
                    .setMemberId("")
                    .setSessionTimeoutMs(10_000)
                    .setRebalanceTimeoutMs(10_000)
                    .setProtocolType("consumer");
            request.protocols()
                    .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                            .setName("range")
                            .setMetadata(new byte[] {1}));
            JoinGroupResponse joined = (JoinGroupResponse) roundTrip(join, ApiKeys.JOIN_GROUP, request, v);
            if (v >= 4) {
                assertThat(joined.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
                request.setMemberId(joined.data().memberId());
                joined = (JoinGroupResponse) roundTrip(join, ApiKeys.JOIN_GROUP, request, v);
            }
            assertThat(joined.error()).as("JoinGroup v%d", v).isEqualTo(Errors.NONE);
            String member = joined.data().memberId();
            int generation = joined.data().generationId();

            short syncVersion = (short) Math.min(v, sync.maxVersion());
            SyncGroupRequestData syncRequest = new SyncGroupRequestData()
                    .setGroupId(group)
                    .setMemberId(member)
                    .setGenerationId(generation);
            syncRequest
                    .assignments()
                    .add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                            .setMemberId(member)
                            .setAssignment(new byte[] {4, 2}));
            SyncGroupResponse synced =
                    (SyncGroupResponse) roundTrip(sync, ApiKeys.SYNC_GROUP, syncRequest, syncVersion);
            assertThat(synced.data().assignment()).containsExactly(4, 2);

            short hbVersion = (short) Math.min(v, heartbeat.maxVersion());
            HeartbeatResponse hb = (HeartbeatResponse) roundTrip(
                    heartbeat,
                    ApiKeys.HEARTBEAT,
                    new HeartbeatRequestData()
                            .setGroupId(group)
                            .setMemberId(member)
                            .setGenerationId(generation),
                    hbVersion);
            assertThat(hb.error()).isEqualTo(Errors.NONE);

            short leaveVersion = (short) Math.min(v, leave.maxVersion());
            LeaveGroupRequestData leaveRequest = new LeaveGroupRequestData().setGroupId(group);
            if (leaveVersion >= 3) {
                leaveRequest.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId(member));
            } else {
                leaveRequest.setMemberId(member);
            }
            LeaveGroupResponse left =
                    (LeaveGroupResponse) roundTrip(leave, ApiKeys.LEAVE_GROUP, leaveRequest, leaveVersion);
            assertThat(left.topLevelError()).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void offsetsAtEveryVersion() {
        OffsetCommitHandler commit = new OffsetCommitHandler(groups);
        OffsetFetchHandler fetch = new OffsetFetchHandler(groups);
        Uuid id = topic.metadata().topicId();
        for (short v = commit.minVersion(); v <= commit.maxVersion(); v++) {
            OffsetCommitRequestData.OffsetCommitRequestTopic t = new OffsetCommitRequestData.OffsetCommitRequestTopic();
            if (v >= 10) {
                t.setTopicId(id);
            } else {
                t.setName("orders");
            }
            t.partitions()
                    .add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                            .setPartitionIndex(1)
                            .setCommittedOffset(100 + v)
                            .setCommittedMetadata("v" + v));
            OffsetCommitResponse r = (OffsetCommitResponse)
                    roundTrip(commit, ApiKeys.OFFSET_COMMIT, commitWithoutMember("offsets", t), v);
            assertThat(r.data().topics().get(0).partitions().get(0).errorCode())
                    .as("commit v%d", v)
                    .isEqualTo(Errors.NONE.code());
        }
        for (short v = fetch.minVersion(); v <= fetch.maxVersion(); v++) {
            OffsetFetchRequestData request = new OffsetFetchRequestData();
            if (v >= 8) {
                OffsetFetchRequestData.OffsetFetchRequestTopics t =
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setPartitionIndexes(List.of(0, 1));
                if (v >= 10) {
                    t.setTopicId(id);
                } else {
                    t.setName("orders");
                }
                request.groups()
                        .add(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                                .setGroupId("offsets")
                                .setTopics(List.of(t)));
            } else {
                request.setGroupId("offsets")
                        .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                                .setName("orders")
                                .setPartitionIndexes(List.of(0, 1))));
            }
            OffsetFetchResponse r = (OffsetFetchResponse) roundTrip(fetch, ApiKeys.OFFSET_FETCH, request, v);
            var partitions = r.group("offsets").topics().get(0).partitions();
            assertThat(partitions.get(0).committedOffset()).as("fetch v%d", v).isEqualTo(-1L);
            assertThat(partitions.get(1).committedOffset()).isEqualTo(110L);
            assertThat(partitions.get(1).metadata()).isEqualTo("v10");
        }
        OffsetDeleteHandler delete = new OffsetDeleteHandler(groups);
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName("orders")
                .setPartitions(
                        List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(1))));
        OffsetDeleteResponse deleted = (OffsetDeleteResponse) roundTrip(
                delete,
                ApiKeys.OFFSET_DELETE,
                new OffsetDeleteRequestData().setGroupId("offsets").setTopics(topics),
                (short) 0);
        assertThat(deleted.data().topics().find("orders").partitions().find(1).errorCode())
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void adminApisAtEveryVersion() {
        ListGroupsHandler list = new ListGroupsHandler(groups);
        DescribeGroupsHandler describe = new DescribeGroupsHandler(groups);
        DeleteGroupsHandler delete = new DeleteGroupsHandler(groups);
        OffsetCommitHandler commit = new OffsetCommitHandler(groups);
        for (short v = delete.minVersion(); v <= delete.maxVersion(); v++) {
            OffsetCommitRequestData.OffsetCommitRequestTopic t =
                    new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("orders");
            t.partitions()
                    .add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                            .setPartitionIndex(0)
                            .setCommittedOffset(1));
            roundTrip(commit, ApiKeys.OFFSET_COMMIT, commitWithoutMember("admin-v" + v, t), (short) 9);
        }
        for (short v = list.minVersion(); v <= list.maxVersion(); v++) {
            ListGroupsRequestData request = new ListGroupsRequestData();
            if (v >= 4) {
                request.setStatesFilter(List.of("EMPTY"));
            }
            if (v >= 5) {
                request.setTypesFilter(List.of("Classic"));
            }
            ListGroupsResponse r = (ListGroupsResponse) roundTrip(list, ApiKeys.LIST_GROUPS, request, v);
            assertThat(r.data().groups())
                    .as("ListGroups v%d", v)
                    .extracting(g -> g.groupId())
                    .contains("admin-v0", "admin-v3");
        }
        for (short v = describe.minVersion(); v <= describe.maxVersion(); v++) {
            DescribeGroupsResponse r = (DescribeGroupsResponse) roundTrip(
                    describe,
                    ApiKeys.DESCRIBE_GROUPS,
                    new DescribeGroupsRequestData()
                            .setGroups(List.of("admin-v0", "nobody"))
                            .setIncludeAuthorizedOperations(v >= 3),
                    v);
            assertThat(r.data().groups().get(0).groupState()).isEqualTo("Empty");
            if (v >= 6) {
                assertThat(r.data().groups().get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            } else {
                assertThat(r.data().groups().get(1).groupState()).isEqualTo("Dead");
            }
        }
        for (short v = delete.minVersion(); v <= delete.maxVersion(); v++) {
            DeleteGroupsResponse r = (DeleteGroupsResponse) roundTrip(
                    delete,
                    ApiKeys.DELETE_GROUPS,
                    new DeleteGroupsRequestData().setGroupsNames(List.of("admin-v" + v, "nobody")),
                    v);
            assertThat(r.get("admin-v" + v)).isEqualTo(Errors.NONE);
            assertThat(r.get("nobody")).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        }
    }

    @Test
    void consumerProtocolAtEveryVersion() {
        ConsumerGroupHeartbeatHandler heartbeat = new ConsumerGroupHeartbeatHandler(groups);
        ConsumerGroupDescribeHandler describe = new ConsumerGroupDescribeHandler(groups);
        for (short v = heartbeat.minVersion(); v <= heartbeat.maxVersion(); v++) {
            String group = "kip848-v" + v;
            ConsumerGroupHeartbeatResponse r = (ConsumerGroupHeartbeatResponse) roundTrip(
                    heartbeat,
                    ApiKeys.CONSUMER_GROUP_HEARTBEAT,
                    new ConsumerGroupHeartbeatRequestData()
                            .setGroupId(group)
                            .setMemberId(Uuid.randomUuid().toString())
                            .setMemberEpoch(0)
                            .setRebalanceTimeoutMs(30_000)
                            .setSubscribedTopicNames(List.of("orders"))
                            .setTopicPartitions(new ArrayList<>()),
                    v);
            assertThat(Errors.forCode(r.data().errorCode()))
                    .as("heartbeat v%d", v)
                    .isEqualTo(Errors.NONE);
            assertThat(r.data().assignment().topicPartitions().get(0).partitions())
                    .containsExactly(0, 1);
        }
        for (short v = describe.minVersion(); v <= describe.maxVersion(); v++) {
            ConsumerGroupDescribeResponse d = (ConsumerGroupDescribeResponse) roundTrip(
                    describe,
                    ApiKeys.CONSUMER_GROUP_DESCRIBE,
                    new ConsumerGroupDescribeRequestData()
                            .setGroupIds(List.of("kip848-v0", "classic-or-missing"))
                            .setIncludeAuthorizedOperations(true),
                    v);
            assertThat(d.data().groups().get(0).members()).hasSize(1);
            assertThat(d.data()
                            .groups()
                            .get(0)
                            .members()
                            .get(0)
                            .assignment()
                            .topicPartitions()
                            .get(0)
                            .topicName())
                    .isEqualTo("orders");
            assertThat(d.data().groups().get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        }
    }

    /** An OffsetCommit of {@code topic} by no member (generation -1), which any client may send to an empty group. */
    private static OffsetCommitRequestData commitWithoutMember(
            String group, OffsetCommitRequestData.OffsetCommitRequestTopic topic) {
        return new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(-1)
                .setMemberId("")
                .setTopics(new ArrayList<>(List.of(topic)));
    }

    private AbstractResponse roundTrip(
            ApiHandler<? extends AbstractRequest> handler, ApiKeys key, ApiMessage data, short version) {
        return WireRoundTrip.call(fixture, handler, key, data, version);
    }
}
