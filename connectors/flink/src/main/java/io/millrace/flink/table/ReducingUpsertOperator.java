package io.millrace.flink.table;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

/**
 * The buffer of an {@code upsert-millrace} sink ({@code sink.buffer-flush.*}), in front of its
 * writer: it keeps only the last change of each key and passes the buffered changes on when
 * {@code maxRows} keys are buffered, every {@code intervalMs}, before each checkpoint barrier (so a
 * checkpoint covers every row before it) and at the end of input. A buffered insert or update is
 * passed on as {@link RowKind#UPDATE_AFTER}, a delete as {@link RowKind#DELETE}.
 *
 * <p>Runs in its task's thread (timers too); the buffer is not state: it is empty at every checkpoint.
 */
final class ReducingUpsertOperator extends AbstractStreamOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData>, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;

    private final RowData.FieldGetter[] keyGetters;
    private final int maxRows;
    private final long intervalMs;
    /** Copies buffered rows, which the input may reuse once processed. */
    private final TypeSerializer<RowData> rowSerializer;

    private transient Map<RowData, StreamRecord<RowData>> buffer;

    ReducingUpsertOperator(
            RowData.FieldGetter[] keyGetters, int maxRows, long intervalMs, TypeSerializer<RowData> rowSerializer) {
        this.keyGetters = keyGetters;
        this.maxRows = maxRows;
        this.intervalMs = intervalMs;
        this.rowSerializer = rowSerializer;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new LinkedHashMap<>();
        scheduleFlush();
    }

    @Override
    public void processElement(StreamRecord<RowData> element) {
        RowData row = rowSerializer.copy(element.getValue());
        RowKind kind = row.getRowKind();
        row.setRowKind(kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE ? RowKind.DELETE : RowKind.UPDATE_AFTER);
        GenericRowData key = new GenericRowData(keyGetters.length);
        for (int i = 0; i < keyGetters.length; i++) {
            key.setField(i, keyGetters[i].getFieldOrNull(row));
        }
        // a key changed again moves to the end, so changes leave in the order they were last made
        buffer.remove(key);
        buffer.put(
                key,
                element.hasTimestamp() ? new StreamRecord<>(row, element.getTimestamp()) : new StreamRecord<>(row));
        if (buffer.size() >= maxRows) {
            flush();
        }
    }

    @Override
    public void onProcessingTime(long time) {
        flush();
        scheduleFlush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void scheduleFlush() {
        getProcessingTimeService()
                .registerTimer(getProcessingTimeService().getCurrentProcessingTime() + intervalMs, this);
    }

    private void flush() {
        for (StreamRecord<RowData> record : buffer.values()) {
            output.collect(record);
        }
        buffer.clear();
    }
}
