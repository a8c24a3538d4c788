package io.millrace.broker.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Iterator;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What a transaction marker says: a control batch (never compressed) whose single record has the
 * control key {@code (version int16, type int16)} with type 0 (abort) or 1 (commit) and the value
 * {@code (version int16, coordinatorEpoch int32)}, as kafka-clients' {@link EndTransactionMarker}
 * writes them. The producer id and epoch are the batch's. Immutable.
 *
 * @param commit           true for a commit marker, false for an abort marker
 * @param coordinatorEpoch epoch of the coordinator that wrote it
 */
record TxnMarker(boolean commit, int coordinatorEpoch) {

    /** The marker in the control batch of {@code size} bytes at {@code at}, or null when it holds none. */
    static TxnMarker parse(ByteBuffer batch, int at, int size) {
        try {
            ByteBuffer view = batch.duplicate();
            view.limit(at + size).position(at);
            RecordBatch b = MemoryRecords.readableRecords(view.slice())
                    .batches()
                    .iterator()
                    .next();
            Iterator<Record> records = b.iterator();
            if (!b.isControlBatch() || !records.hasNext()) {
                return null;
            }
            Record record = records.next();
            ControlRecordType type = ControlRecordType.parse(record.key());
            if (type != ControlRecordType.ABORT && type != ControlRecordType.COMMIT) {
                return null;
            }
            return new TxnMarker(
                    type == ControlRecordType.COMMIT,
                    EndTransactionMarker.deserialize(record).coordinatorEpoch());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The marker in the control batch of {@code size} bytes at file {@code position}, or null. */
    static TxnMarker read(FileChannel channel, long position, int size) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, position + bytes.position()) < 0) {
                throw new EOFException("Segment file ends inside the control batch at position " + position);
            }
        }
        return parse(bytes.flip(), 0, size);
    }
}
