package io.millrace.flink.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Serializes {@link MillraceWriterState}s into the writers' checkpointed state.
 *
 * <p>Version 1, big-endian: the prefix ({@code writeUTF}), the space (4 bytes), the space count (4
 * bytes), the number of pending transactions (4 bytes), then each as
 * {@link MillraceCommittableSerializer} version 1 writes it. Stateless and thread-safe.
 */
final class MillraceWriterStateSerializer implements SimpleVersionedSerializer<MillraceWriterState> {

    static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(MillraceWriterState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(state.transactionalIdPrefix());
            out.writeInt(state.space());
            out.writeInt(state.spaceCount());
            out.writeInt(state.pending().size());
            for (MillraceCommittable committable : state.pending()) {
                MillraceCommittableSerializer.write(committable, out);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public MillraceWriterState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("Unknown version " + version + " of a Millrace sink writer state");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String prefix = in.readUTF();
            int space = in.readInt();
            int spaceCount = in.readInt();
            int count = in.readInt();
            List<MillraceCommittable> pending = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                pending.add(MillraceCommittableSerializer.read(in));
            }
            return new MillraceWriterState(prefix, space, spaceCount, pending);
        }
    }
}
