package io.millrace.flink.source.enumerator;

import io.millrace.flink.source.split.MillraceSplit;
import io.millrace.flink.source.split.MillraceSplitSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes a {@link MillraceEnumState} into checkpoints and savepoints.
 *
 * <p>Version 1, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * assigned count     int32
 * assigned splits    each as {@link MillraceSplitSerializer} version 1 writes a split
 * unassigned count   int32
 * unassigned splits  likewise
 * initial discovery  boolean (1 byte): finished
 * </pre>
 *
 * A later version adds a case to {@link #deserialize} and keeps reading version 1. Stateless and
 * thread-safe.
 */
public final class MillraceEnumStateSerializer implements SimpleVersionedSerializer<MillraceEnumState> {

    public static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(MillraceEnumState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeSplits(state.assignedSplits(), out);
            writeSplits(state.unassignedSplits(), out);
            out.writeBoolean(state.initialDiscoveryFinished());
        }
        return bytes.toByteArray();
    }

    @Override
    public MillraceEnumState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION_1) {
            throw new IOException("Unknown version " + version
                    + " of a Millrace enumerator checkpoint; this connector reads version " + VERSION_1);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            List<MillraceSplit> assigned = readSplits(in);
            List<MillraceSplit> unassigned = readSplits(in);
            boolean initialDiscoveryFinished = in.readBoolean();
            if (in.available() > 0) {
                throw new IOException(in.available() + " unexpected bytes after a Millrace enumerator checkpoint");
            }
            return new MillraceEnumState(assigned, unassigned, initialDiscoveryFinished);
        }
    }

    private static void writeSplits(List<MillraceSplit> splits, DataOutputStream out) throws IOException {
        out.writeInt(splits.size());
        for (MillraceSplit split : splits) {
            MillraceSplitSerializer.write(split, out);
        }
    }

    private static List<MillraceSplit> readSplits(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("Negative split count " + count + " in a Millrace enumerator checkpoint");
        }
        List<MillraceSplit> splits = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            splits.add(MillraceSplitSerializer.read(MillraceSplitSerializer.VERSION_1, in));
        }
        return splits;
    }
}
