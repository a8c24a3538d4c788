package io.millrace.flink.source.split;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes a {@link MillraceSplit} into checkpoints and savepoints.
 *
 * <p>Version 1, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * topic            modified UTF-8 ({@code writeUTF}: 2-byte length, bytes)
 * partition        int32
 * starting offset  int64
 * stopping offset  int64, {@link MillraceSplit#NO_STOPPING_OFFSET} when unbounded
 * </pre>
 *
 * A later version adds a case to {@link #deserialize} and keeps reading version 1. Stateless and
 * thread-safe.
 */
public final class MillraceSplitSerializer implements SimpleVersionedSerializer<MillraceSplit> {

    public static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(MillraceSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public MillraceSplit deserialize(int version, byte[] serialized) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(version, in);
        }
    }

    /** Writes one split in the current version; the enumerator's state embeds splits this way. */
    public static void write(MillraceSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.partition().topic());
        out.writeInt(split.partition().partition());
        out.writeLong(split.startingOffset());
        out.writeLong(split.stoppingOffset().orElse(MillraceSplit.NO_STOPPING_OFFSET));
    }

    /** Reads one split written by {@link #write} in {@code version}. */
    public static MillraceSplit read(int version, DataInputStream in) throws IOException {
        if (version != VERSION_1) {
            throw new IOException(
                    "Unknown version " + version + " of a Millrace split; this connector reads version " + VERSION_1);
        }
        TopicPartition partition = new TopicPartition(in.readUTF(), in.readInt());
        long startingOffset = in.readLong();
        long stoppingOffset = in.readLong();
        return new MillraceSplit(partition, startingOffset, stoppingOffset);
    }
}
