package io.millrace.broker.coordinator.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.coordinator.group.GroupRecord.ClassicGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ClassicGroupSnapshot;
import io.millrace.broker.coordinator.group.GroupRecord.ClassicMemberSnapshot;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerCurrentAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerGroupMetadata;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerMemberSubscription;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignment;
import io.millrace.broker.coordinator.group.GroupRecord.ConsumerTargetAssignmentEpoch;
import io.millrace.broker.coordinator.group.GroupRecord.GroupEpoch;
import io.millrace.broker.coordinator.group.GroupRecord.MemberAssignmentState;
import io.millrace.broker.coordinator.group.GroupRecord.MemberSubscription;
import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import io.millrace.broker.coordinator.group.assignor.Assignment;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class GroupRecordSerdeTest {

    private static final Uuid TOPIC = new Uuid(1L, 2L);

    @Test
    void everyRecordTypeRoundTripsWithValueAndAsTombstone() {
        Assignment a = Assignment.of(Map.of(TOPIC, Set.of(0, 3)));
        List<GroupRecord> records = List.of(
                new OffsetCommit("g", "t", 1, new OffsetAndMetadata(42, 5, "meta", 1000, -1)),
                new ConsumerGroupMetadata("g", new GroupEpoch(7, 123456789L)),
                new ConsumerMemberSubscription(
                        "g",
                        "m",
                        new MemberSubscription(
                                "inst", "rack", "client", "/1.2.3.4", 30000, List.of("a", "b"), "re.*", "uniform")),
                new ConsumerTargetAssignment("g", "m", a),
                new ConsumerTargetAssignmentEpoch("g", 7),
                new ConsumerCurrentAssignment(
                        "g",
                        "m",
                        new MemberAssignmentState(
                                7, 6, MemberState.UNREVOKED_PARTITIONS, a, Assignment.of(Map.of(TOPIC, Set.of(9))))));
        for (GroupRecord r : records) {
            assertThat(roundTrip(r)).isEqualTo(r);
        }
        assertThat(roundTrip(new OffsetCommit("g", "t", 1, null))).isEqualTo(new OffsetCommit("g", "t", 1, null));
        assertThat(roundTrip(new ConsumerCurrentAssignment("g", "m", null)))
                .isEqualTo(new ConsumerCurrentAssignment("g", "m", null));
    }

    @Test
    void classicGroupRoundTripsWithMembersAndBytes() {
        ClassicGroupMetadata record = new ClassicGroupMetadata(
                "g",
                new ClassicGroupSnapshot(
                        "consumer",
                        3,
                        "range",
                        "m1",
                        99L,
                        List.of(new ClassicMemberSnapshot(
                                "m1", null, "c", "/h", 300000, 45000, new byte[] {1, 2}, new byte[] {3}))));

        ClassicGroupMetadata back = (ClassicGroupMetadata) roundTrip(record);

        assertThat(back.value().generation()).isEqualTo(3);
        assertThat(back.value().leader()).isEqualTo("m1");
        assertThat(back.value().members().get(0).subscription()).containsExactly(1, 2);
        assertThat(back.value().members().get(0).assignment()).containsExactly(3);
        assertThat(back.value().members().get(0).instanceId()).isNull();
    }

    @Test
    void offsetCommitRecordKeepsItsDocumentedLayout() {
        OffsetCommit r = new OffsetCommit("g", "t", 1, new OffsetAndMetadata(42, 5, "m", 1000, -1));

        assertThat(HexFormat.of().formatHex(GroupRecordSerde.key(r)))
                .isEqualTo("0000" + "000167" + "000174" + "00000001");
        assertThat(HexFormat.of().formatHex(GroupRecordSerde.value(r)))
                .isEqualTo("0000" + "000000000000002a" + "00000005" + "000000016d" + "00000000000003e8"
                        + "ffffffffffffffff");
    }

    @Test
    void truncatedOrNewerValuesAreRefusedAndUnknownTypesSkipped() {
        byte[] key = GroupRecordSerde.key(new ConsumerTargetAssignmentEpoch("g", 1));
        assertThatThrownBy(() -> GroupRecordSerde.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {0, 0, 1})))
                .isInstanceOf(GroupRecordSerde.MalformedRecordException.class);
        assertThatThrownBy(() ->
                        GroupRecordSerde.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {0, 9, 0, 0, 0, 1})))
                .hasMessageContaining("newer");
        assertThat(GroupRecordSerde.decode(ByteBuffer.wrap(new byte[] {0, 99, 0, 1, 'g'}), null))
                .isNull();
    }

    private static GroupRecord roundTrip(GroupRecord r) {
        byte[] value = GroupRecordSerde.value(r);
        return GroupRecordSerde.decode(
                ByteBuffer.wrap(GroupRecordSerde.key(r)), value == null ? null : ByteBuffer.wrap(value));
    }
}
