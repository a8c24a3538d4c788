package io.millrace.broker.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.kafka.common.Uuid;

/**
 * The binary layout of {@link TopicJournal}'s files: file headers, records and the topic changes
 * inside records (the layout itself is described there). Stateless.
 */
final class TopicRecords {

    static final int HEADER_SIZE = 4 + 2 + 8 + 4;
    /** Length and CRC before every record's payload. */
    static final int RECORD_OVERHEAD = 4 + 4;

    private static final short VERSION = 1;
    private static final byte CREATE = 1;
    private static final byte ALTER = 2;
    private static final byte DELETE = 3;
    /** A payload holds at least its entry count. */
    private static final int MIN_PAYLOAD = 4;

    private TopicRecords() {}

    static byte[] header(int magic, long generation) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.putInt(magic).putShort(VERSION).putLong(generation);
        b.putInt(crc(b.array(), 0, HEADER_SIZE - 4));
        return b.array();
    }

    /**
     * The generation a file's header names.
     *
     * @throws IllegalArgumentException when the header is short, damaged or of another kind or version
     */
    static long generation(ByteBuffer file, int magic) {
        if (file.remaining() < HEADER_SIZE) {
            throw new IllegalArgumentException("the file is shorter than its " + HEADER_SIZE + "-byte header");
        }
        int start = file.position();
        int actualMagic = file.getInt();
        short version = file.getShort();
        long generation = file.getLong();
        int storedCrc = file.getInt();
        if (actualMagic != magic) {
            throw new IllegalArgumentException(String.format("magic %08x instead of %08x", actualMagic, magic));
        }
        if (storedCrc != crc(file.array(), file.arrayOffset() + start, HEADER_SIZE - 4)) {
            throw new IllegalArgumentException("the header fails its CRC");
        }
        if (version != VERSION) {
            throw new IllegalArgumentException("version " + version + ", this broker reads version " + VERSION);
        }
        return generation;
    }

    /** One record holding {@code changes}. */
    static byte[] record(Collection<? extends TopicChange> changes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(RECORD_OVERHEAD + 64 * changes.size());
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(changes.size());
            for (TopicChange change : changes) {
                write(out, change);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        byte[] record = bytes.toByteArray();
        int payload = record.length - RECORD_OVERHEAD;
        ByteBuffer.wrap(record).putInt(payload).putInt(crc(record, RECORD_OVERHEAD, payload));
        return record;
    }

    /**
     * The payload of the record at the buffer's position, which then moves past it; null when no
     * whole, intact record starts there (a torn or damaged tail), leaving the position unchanged.
     */
    static ByteBuffer nextPayload(ByteBuffer file) {
        if (file.remaining() < RECORD_OVERHEAD + MIN_PAYLOAD) {
            return null;
        }
        int start = file.position();
        int length = file.getInt(start);
        int storedCrc = file.getInt(start + 4);
        if (length < MIN_PAYLOAD || length > file.remaining() - RECORD_OVERHEAD) {
            return null;
        }
        int payloadStart = start + RECORD_OVERHEAD;
        if (storedCrc != crc(file.array(), file.arrayOffset() + payloadStart, length)) {
            return null;
        }
        file.position(payloadStart + length);
        return ByteBuffer.wrap(file.array(), file.arrayOffset() + payloadStart, length)
                .slice();
    }

    /**
     * The changes in an intact record's payload.
     *
     * @throws IllegalArgumentException when the payload does not hold what its writer puts there
     */
    static List<TopicChange> changes(ByteBuffer payload) {
        try {
            int count = payload.getInt();
            if (count < 0) {
                throw new IllegalArgumentException("negative entry count " + count);
            }
            List<TopicChange> changes = new ArrayList<>(Math.min(count, payload.remaining()));
            for (int i = 0; i < count; i++) {
                changes.add(read(payload));
            }
            if (payload.hasRemaining()) {
                throw new IllegalArgumentException(payload.remaining() + " bytes after the last entry");
            }
            return changes;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("an entry runs past the end of its record", e);
        }
    }

    private static void write(DataOutputStream out, TopicChange change) throws IOException {
        if (change instanceof TopicChange.Create c) {
            out.writeByte(CREATE);
            writeTopic(out, c.topic());
        } else if (change instanceof TopicChange.Alter a) {
            out.writeByte(ALTER);
            writeTopic(out, a.topic());
        } else {
            out.writeByte(DELETE);
            writeId(out, ((TopicChange.Delete) change).topicId());
        }
    }

    private static void writeTopic(DataOutputStream out, TopicMetadata topic) throws IOException {
        writeId(out, topic.topicId());
        writeString(out, topic.name());
        out.writeInt(topic.partitionCount());
        out.writeInt(topic.configs().size());
        for (Map.Entry<String, String> e : topic.configs().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static void writeId(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static TopicChange read(ByteBuffer in) {
        byte type = in.get();
        return switch (type) {
            case CREATE -> new TopicChange.Create(readTopic(in));
            case ALTER -> new TopicChange.Alter(readTopic(in));
            case DELETE -> new TopicChange.Delete(readId(in));
            default -> throw new IllegalArgumentException("unknown entry type " + type);
        };
    }

    private static TopicMetadata readTopic(ByteBuffer in) {
        Uuid id = readId(in);
        String name = readString(in);
        int partitions = in.getInt();
        int configCount = in.getInt();
        if (partitions < 1 || configCount < 0) {
            throw new IllegalArgumentException(
                    "topic '" + name + "' has " + partitions + " partitions and " + configCount + " configs");
        }
        Map<String, String> configs = new LinkedHashMap<>();
        for (int i = 0; i < configCount; i++) {
            configs.put(readString(in), readString(in));
        }
        return new TopicMetadata(name, id, partitions, configs);
    }

    private static Uuid readId(ByteBuffer in) {
        return new Uuid(in.getLong(), in.getLong());
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("a string of " + length + " bytes where " + in.remaining() + " remain");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
