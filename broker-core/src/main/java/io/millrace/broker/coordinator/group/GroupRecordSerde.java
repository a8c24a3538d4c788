package io.millrace.broker.coordinator.group;

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
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The binary form of {@link GroupRecord}s in {@code __consumer_offsets} (Millrace's own format;
 * all integers big-endian).
 *
 * <p>Key: {@code int16 type} followed by the key fields; the type tells compaction-relevant
 * identity apart, so each type's key fields name exactly one thing:
 * <pre>
 *   0 OFFSET_COMMIT           string group, string topic, int32 partition
 *   1 CLASSIC_GROUP           string group
 *   2 CONSUMER_GROUP          string group
 *   3 CONSUMER_MEMBER         string group, string memberId
 *   4 CONSUMER_TARGET_MEMBER  string group, string memberId
 *   5 CONSUMER_TARGET_EPOCH   string group
 *   6 CONSUMER_CURRENT_MEMBER string group, string memberId
 * </pre>
 * Value: absent (null) for a tombstone, else {@code int16 version} (0 for every type today)
 * followed by:
 * <pre>
 *   OFFSET_COMMIT           int64 offset, int32 leaderEpoch, text metadata, int64 commitTimestamp,
 *                           int64 expireTimestamp (-1: none)
 *   CLASSIC_GROUP           nstring protocolType, int32 generation, nstring protocolName, nstring leader,
 *                           int64 stateTimestamp, int32 n, n x member
 *       member              string memberId, nstring instanceId, string clientId, string clientHost,
 *                           int32 rebalanceTimeout, int32 sessionTimeout, bytes subscription, bytes assignment
 *   CONSUMER_GROUP          int32 groupEpoch, int64 subscribedTopicsHash
 *   CONSUMER_MEMBER         nstring instanceId, nstring rackId, string clientId, string clientHost,
 *                           int32 rebalanceTimeout, int32 n, n x string topicName, nstring topicRegex,
 *                           nstring serverAssignor
 *   CONSUMER_TARGET_MEMBER  partitions
 *   CONSUMER_TARGET_EPOCH   int32 assignmentEpoch
 *   CONSUMER_CURRENT_MEMBER int32 memberEpoch, int32 previousMemberEpoch, int8 state, partitions assigned,
 *                           partitions pendingRevocation
 *   partitions              int32 n, n x (uuid topicId (2 x int64), int32 m, m x int32 partition)
 * </pre>
 * {@code string}/{@code nstring}: int16 length (-1 for null) and UTF-8 bytes; {@code text} and
 * {@code bytes}: the same with an int32 length. A decoder meets a newer value version only after a
 * downgrade; it refuses it rather than guess. Stateless and thread-safe.
 */
final class GroupRecordSerde {

    static final short OFFSET_COMMIT = 0;
    static final short CLASSIC_GROUP = 1;
    static final short CONSUMER_GROUP = 2;
    static final short CONSUMER_MEMBER = 3;
    static final short CONSUMER_TARGET_MEMBER = 4;
    static final short CONSUMER_TARGET_EPOCH = 5;
    static final short CONSUMER_CURRENT_MEMBER = 6;
    static final short VALUE_VERSION = 0;

    private GroupRecordSerde() {}

    /** Thrown for bytes that are not a record this version can read. */
    static final class MalformedRecordException extends RuntimeException {
        MalformedRecordException(String message) {
            super(message);
        }
    }

    static byte[] key(GroupRecord record) {
        Out out = new Out();
        if (record instanceof OffsetCommit r) {
            out.i16(OFFSET_COMMIT).str(r.groupId()).str(r.topic()).i32(r.partition());
        } else if (record instanceof ClassicGroupMetadata r) {
            out.i16(CLASSIC_GROUP).str(r.groupId());
        } else if (record instanceof ConsumerGroupMetadata r) {
            out.i16(CONSUMER_GROUP).str(r.groupId());
        } else if (record instanceof ConsumerMemberSubscription r) {
            out.i16(CONSUMER_MEMBER).str(r.groupId()).str(r.memberId());
        } else if (record instanceof ConsumerTargetAssignment r) {
            out.i16(CONSUMER_TARGET_MEMBER).str(r.groupId()).str(r.memberId());
        } else if (record instanceof ConsumerTargetAssignmentEpoch r) {
            out.i16(CONSUMER_TARGET_EPOCH).str(r.groupId());
        } else if (record instanceof ConsumerCurrentAssignment r) {
            out.i16(CONSUMER_CURRENT_MEMBER).str(r.groupId()).str(r.memberId());
        }
        return out.bytes();
    }

    /** The value bytes, or null for a tombstone. */
    static byte[] value(GroupRecord record) {
        if (record.isTombstone()) {
            return null;
        }
        Out out = new Out().i16(VALUE_VERSION);
        if (record instanceof OffsetCommit r) {
            OffsetAndMetadata v = r.value();
            out.i64(v.offset())
                    .i32(v.leaderEpoch())
                    .text(v.metadata())
                    .i64(v.commitTimestampMs())
                    .i64(v.expireTimestampMs());
        } else if (record instanceof ClassicGroupMetadata r) {
            writeClassic(out, r.value());
        } else if (record instanceof ConsumerGroupMetadata r) {
            out.i32(r.value().epoch()).i64(r.value().metadataHash());
        } else if (record instanceof ConsumerMemberSubscription r) {
            MemberSubscription v = r.value();
            out.str(v.instanceId())
                    .str(v.rackId())
                    .str(v.clientId())
                    .str(v.clientHost())
                    .i32(v.rebalanceTimeoutMs())
                    .i32(v.topicNames().size());
            v.topicNames().forEach(out::str);
            out.str(v.topicRegex()).str(v.serverAssignor());
        } else if (record instanceof ConsumerTargetAssignment r) {
            writePartitions(out, r.value());
        } else if (record instanceof ConsumerTargetAssignmentEpoch r) {
            out.i32(r.value());
        } else if (record instanceof ConsumerCurrentAssignment r) {
            MemberAssignmentState v = r.value();
            out.i32(v.memberEpoch()).i32(v.previousMemberEpoch()).i8(v.state().id);
            writePartitions(out, v.assigned());
            writePartitions(out, v.pendingRevocation());
        }
        return out.bytes();
    }

    /**
     * Decodes one record.
     *
     * @param value null for a tombstone
     * @return the record, or null for a key type this version does not know (written by a newer one)
     * @throws MalformedRecordException when the bytes cannot be read
     */
    static GroupRecord decode(ByteBuffer key, ByteBuffer value) {
        try {
            In k = new In(key);
            short type = k.i16();
            In v = value == null ? null : new In(value);
            if (v != null) {
                short version = v.i16();
                if (version != VALUE_VERSION) {
                    throw new MalformedRecordException("value version " + version + " of record type " + type
                            + " is newer than this broker understands (" + VALUE_VERSION + ")");
                }
            }
            return switch (type) {
                case OFFSET_COMMIT ->
                    new OffsetCommit(
                            k.str(),
                            k.str(),
                            k.i32(),
                            v == null ? null : new OffsetAndMetadata(v.i64(), v.i32(), v.text(), v.i64(), v.i64()));
                case CLASSIC_GROUP -> new ClassicGroupMetadata(k.str(), v == null ? null : readClassic(v));
                case CONSUMER_GROUP ->
                    new ConsumerGroupMetadata(k.str(), v == null ? null : new GroupEpoch(v.i32(), v.i64()));
                case CONSUMER_MEMBER ->
                    new ConsumerMemberSubscription(k.str(), k.str(), v == null ? null : readSubscription(v));
                case CONSUMER_TARGET_MEMBER ->
                    new ConsumerTargetAssignment(k.str(), k.str(), v == null ? null : readPartitions(v));
                case CONSUMER_TARGET_EPOCH -> new ConsumerTargetAssignmentEpoch(k.str(), v == null ? null : v.i32());
                case CONSUMER_CURRENT_MEMBER ->
                    new ConsumerCurrentAssignment(
                            k.str(),
                            k.str(),
                            v == null
                                    ? null
                                    : new MemberAssignmentState(
                                            v.i32(),
                                            v.i32(),
                                            MemberState.forId(v.i8()),
                                            readPartitions(v),
                                            readPartitions(v)));
                default -> null;
            };
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new MalformedRecordException("truncated or invalid group record: " + e);
        }
    }

    private static void writeClassic(Out out, ClassicGroupSnapshot v) {
        out.str(v.protocolType())
                .i32(v.generation())
                .str(v.protocolName())
                .str(v.leader())
                .i64(v.stateTimestampMs())
                .i32(v.members().size());
        for (ClassicMemberSnapshot m : v.members()) {
            out.str(m.memberId())
                    .str(m.instanceId())
                    .str(m.clientId())
                    .str(m.clientHost())
                    .i32(m.rebalanceTimeoutMs())
                    .i32(m.sessionTimeoutMs())
                    .bytes(m.subscription())
                    .bytes(m.assignment());
        }
    }

    private static ClassicGroupSnapshot readClassic(In v) {
        String protocolType = v.str();
        int generation = v.i32();
        String protocolName = v.str();
        String leader = v.str();
        long stateTimestamp = v.i64();
        int n = v.count();
        List<ClassicMemberSnapshot> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new ClassicMemberSnapshot(
                    v.str(), v.str(), v.str(), v.str(), v.i32(), v.i32(), v.bytes(), v.bytes()));
        }
        return new ClassicGroupSnapshot(protocolType, generation, protocolName, leader, stateTimestamp, members);
    }

    private static MemberSubscription readSubscription(In v) {
        String instanceId = v.str();
        String rackId = v.str();
        String clientId = v.str();
        String clientHost = v.str();
        int rebalanceTimeout = v.i32();
        int n = v.count();
        List<String> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(v.str());
        }
        return new MemberSubscription(
                instanceId, rackId, clientId, clientHost, rebalanceTimeout, topics, v.str(), v.str());
    }

    private static void writePartitions(Out out, Assignment a) {
        out.i32(a.partitions().size());
        for (Map.Entry<Uuid, Set<Integer>> e : a.partitions().entrySet()) {
            out.i64(e.getKey().getMostSignificantBits())
                    .i64(e.getKey().getLeastSignificantBits())
                    .i32(e.getValue().size());
            e.getValue().forEach(out::i32);
        }
    }

    private static Assignment readPartitions(In v) {
        int n = v.count();
        Map<Uuid, Set<Integer>> partitions = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Uuid topic = new Uuid(v.i64(), v.i64());
            int m = v.count();
            Set<Integer> ps = new TreeSet<>();
            for (int j = 0; j < m; j++) {
                ps.add(v.i32());
            }
            partitions.put(topic, ps);
        }
        return Assignment.of(partitions);
    }

    /** Appends big-endian fields to a growing array. */
    private static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(64);

        Out i8(byte v) {
            buf.write(v);
            return this;
        }

        Out i16(int v) {
            buf.write(v >>> 8);
            buf.write(v);
            return this;
        }

        Out i32(int v) {
            i16(v >>> 16);
            return i16(v);
        }

        Out i64(long v) {
            i32((int) (v >>> 32));
            return i32((int) v);
        }

        Out str(String s) {
            if (s == null) {
                return i16(-1);
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("string of " + b.length + " bytes is too long for a group record");
            }
            i16(b.length);
            buf.writeBytes(b);
            return this;
        }

        Out text(String s) {
            return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        Out bytes(byte[] b) {
            if (b == null) {
                return i32(-1);
            }
            i32(b.length);
            buf.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }

    /** Reads big-endian fields; throws BufferUnderflowException past the end. */
    private static final class In {
        private final ByteBuffer buf;

        In(ByteBuffer buf) {
            this.buf = buf.duplicate();
        }

        byte i8() {
            return buf.get();
        }

        short i16() {
            return buf.getShort();
        }

        int i32() {
            return buf.getInt();
        }

        long i64() {
            return buf.getLong();
        }

        int count() {
            int n = buf.getInt();
            if (n < 0 || n > buf.remaining()) {
                throw new IllegalArgumentException(
                        "count " + n + " exceeds the remaining " + buf.remaining() + " bytes");
            }
            return n;
        }

        String str() {
            short len = buf.getShort();
            return len < 0 ? null : utf8(len);
        }

        String text() {
            int len = buf.getInt();
            return len < 0 ? null : utf8(len);
        }

        byte[] bytes() {
            int len = buf.getInt();
            if (len < 0) {
                return null;
            }
            if (len > buf.remaining()) {
                throw new BufferUnderflowException();
            }
            byte[] b = new byte[len];
            buf.get(b);
            return b;
        }

        private String utf8(int len) {
            if (len > buf.remaining()) {
                throw new BufferUnderflowException();
            }
            byte[] b = new byte[len];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
