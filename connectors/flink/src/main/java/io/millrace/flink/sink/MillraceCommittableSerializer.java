package io.millrace.flink.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Serializes {@link MillraceCommittable}s into the committer's checkpointed state.
 *
 * <p>Version 1: the transactional id ({@code writeUTF}), the producer id (8 bytes) and the epoch
 * (2 bytes), big-endian. Stateless and thread-safe.
 */
final class MillraceCommittableSerializer implements SimpleVersionedSerializer<MillraceCommittable> {

    static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(MillraceCommittable committable) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(committable, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public MillraceCommittable deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("Unknown version " + version + " of a Millrace sink committable");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    /** Writes the version-1 fields; the writer state embeds committables the same way. */
    static void write(MillraceCommittable committable, DataOutputStream out) throws IOException {
        out.writeUTF(committable.transactionalId());
        out.writeLong(committable.producerId());
        out.writeShort(committable.epoch());
    }

    /** Reads what {@link #write} wrote. */
    static MillraceCommittable read(DataInputStream in) throws IOException {
        return new MillraceCommittable(in.readUTF(), in.readLong(), in.readShort());
    }
}
