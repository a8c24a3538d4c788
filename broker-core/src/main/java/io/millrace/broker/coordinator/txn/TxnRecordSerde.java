package io.millrace.broker.coordinator.txn;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The record format of {@code __transaction_state} (Millrace's own; compacted by key):
 *
 * <pre>
 * key:   int16 version (0), string transactionalId
 * value: int16 version (0)
 *        int64 producerId, int64 previousProducerId, int16 producerEpoch, int16 lastProducerEpoch,
 *        int32 timeoutMs, int8 state ({@link TxnState#id()}), int64 startTimestamp,
 *        int64 lastUpdateTimestamp,
 *        int32 topic count, per topic: string name, int32 partition count, int32 partition...
 *        (topics and partitions in ascending order)
 * null value: a tombstone; the transactional id expired and is forgotten
 * string = int16 length + UTF-8 bytes; all integers big-endian
 * </pre>
 * A record of a newer version is rejected ({@link IllegalArgumentException}), so a broker never
 * half-understands state a newer broker wrote. Stateless.
 */
public final class TxnRecordSerde {

    static final short VERSION = 0;

    private TxnRecordSerde() {}

    public static byte[] key(String transactionalId) {
        byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 2 + id.length)
                .putShort(VERSION)
                .putShort((short) id.length)
                .put(id)
                .array();
    }

    public static byte[] value(TxnRecord r) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : r.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        int size = 2 + 8 + 8 + 2 + 2 + 4 + 1 + 8 + 8 + 4;
        List<byte[]> names = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 2 + name.length + 4 + 4 * e.getValue().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort(VERSION)
                .putLong(r.producerId())
                .putLong(r.previousProducerId())
                .putShort(r.producerEpoch())
                .putShort(r.lastProducerEpoch())
                .putInt(r.timeoutMs())
                .put(r.state().id())
                .putLong(r.startTimestamp())
                .putLong(r.lastUpdateTimestamp())
                .putInt(byTopic.size());
        int i = 0;
        for (List<Integer> partitions : byTopic.values()) {
            byte[] name = names.get(i++);
            b.putShort((short) name.length).put(name).putInt(partitions.size());
            partitions.stream().sorted().forEach(b::putInt);
        }
        return b.array();
    }

    /**
     * The transactional id a key names.
     *
     * @throws IllegalArgumentException for a malformed key or an unknown version
     */
    public static String transactionalId(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        try {
            checkVersion(b.getShort(), "key");
            String id = string(b);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("key has " + b.remaining() + " trailing bytes");
            }
            return id;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated key");
        }
    }

    /**
     * Decodes a value (not a tombstone).
     *
     * @throws IllegalArgumentException for a malformed value or an unknown version
     */
    public static TxnRecord record(String transactionalId, byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        try {
            checkVersion(b.getShort(), "value");
            long producerId = b.getLong();
            long previousProducerId = b.getLong();
            short epoch = b.getShort();
            short lastEpoch = b.getShort();
            int timeoutMs = b.getInt();
            byte stateId = b.get();
            TxnState state = TxnState.byId(stateId)
                    .orElseThrow(() -> new IllegalArgumentException("unknown transaction state " + stateId));
            long start = b.getLong();
            long lastUpdate = b.getLong();
            int topics = b.getInt();
            Set<TopicPartition> partitions = new HashSet<>();
            for (int t = 0; t < topics; t++) {
                String topic = string(b);
                int count = b.getInt();
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartition(topic, b.getInt()));
                }
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("value has " + b.remaining() + " trailing bytes");
            }
            return new TxnRecord(
                    transactionalId,
                    producerId,
                    previousProducerId,
                    epoch,
                    lastEpoch,
                    timeoutMs,
                    state,
                    partitions,
                    start,
                    lastUpdate);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated value");
        }
    }

    private static void checkVersion(short version, String what) {
        if (version != VERSION) {
            throw new IllegalArgumentException(what + " version " + version + " is not supported (only " + VERSION
                    + "); it was written by a newer broker");
        }
    }

    private static String string(ByteBuffer b) {
        int length = b.getShort();
        if (length < 0) {
            throw new IllegalArgumentException("negative string length");
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
