package io.millrace.broker.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.requests.ProduceResponse.RecordError;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The checks Apache Kafka's log validator makes on every record of a produced batch, reported per
 * record (KIP-467): on a compacted topic every record needs a key; under CreateTime a record's
 * timestamp must lie within {@code message.timestamp.before.max.ms} and {@code
 * message.timestamp.after.max.ms} of the broker's time (and, in Millrace, must not be negative); a
 * producer may not mark its batch LogAppendTime. A record is checked in that order and reported
 * for the first rule it breaks. A batch with bad records is refused whole: INVALID_TIMESTAMP when a
 * timestamp was at fault, else INVALID_RECORD, listing each bad record's index in the batch with
 * Kafka's message for it, and Kafka's summary as the error message.
 *
 * <p>The records are read only when the header cannot vouch for them: on a compacted topic, when
 * the window has a lower bound above 0 (a record may be older than the batch's first), when the
 * batch's first or maximum timestamp lies outside the window, or when the batch claims
 * LogAppendTime (the maximum timestamp is trusted to bound every record's, as the time index
 * trusts it). So under the default, unbounded past a negative timestamp is caught only when it is
 * the batch's first or maximum one. An uncompressed batch is read in place, field by field,
 * allocating nothing unless a record is bad; a compressed one is decompressed without copying keys
 * and values.
 *
 * <p>Stateless and thread-safe.
 */
final class RecordChecks {

    // The rules that apply to a batch, as bits.
    private static final int KEYS = 1;
    private static final int CREATE_TIME = 2;
    private static final int MARKED_LOG_APPEND_TIME = 4;

    // What is wrong with one record.
    private static final int FINE = 0;
    private static final int NO_KEY = 1;
    private static final int OUT_OF_RANGE = 2;
    private static final int STAMPED_BY_PRODUCER = 3;

    private static final int MAX_VARINT_BYTES = 5;
    private static final int MAX_VARLONG_BYTES = 10;

    private RecordChecks() {}

    /**
     * @param rebuilt true when the batch is to be converted to the topic's codec (Kafka then
     *     describes a record read from a compressed batch in full rather than partially)
     * @return null when every record is acceptable, else the refusal
     */
    static AppendResult check(
            ByteBuffer batch,
            int at,
            int size,
            LogConfig config,
            long nowMs,
            boolean rebuilt,
            String tp,
            long logStartOffset) {
        int attributes = BatchHeader.attributes(batch, at);
        int rules = (config.compact() && (attributes & BatchHeader.CONTROL_FLAG_MASK) == 0 ? KEYS : 0)
                | (config.timestampType() == TimestampType.CREATE_TIME ? CREATE_TIME : 0)
                | ((attributes & BatchHeader.TIMESTAMP_TYPE_MASK) != 0 ? MARKED_LOG_APPEND_TIME : 0);
        long from = Math.max(0, nowMs - config.timestampBeforeMaxMs());
        long to = nowMs + Math.min(config.timestampAfterMaxMs(), Long.MAX_VALUE - nowMs);
        if (!mustRead(batch, at, rules, from, to)) {
            return null;
        }
        Rejections bad;
        try {
            bad = (attributes & BatchHeader.COMPRESSION_CODEC_MASK) == 0
                    ? readInPlace(batch, at, size, rules, from, to, tp)
                    : readCompressed(batch, rebuilt, rules, from, to, tp);
        } catch (InvalidRecordException e) {
            return AppendResult.failed(
                    Errors.INVALID_RECORD,
                    "The records of the batch for " + tp + " do not match its header: " + e.getMessage(),
                    logStartOffset);
        } catch (RuntimeException e) {
            // The codec's own exceptions (KafkaException, IllegalArgumentException, ...): bad bytes.
            return AppendResult.failed(
                    Errors.CORRUPT_MESSAGE,
                    "Record batch for " + tp + " could not be decompressed to check its records: " + e,
                    logStartOffset);
        }
        return bad == null ? null : bad.refusal(logStartOffset);
    }

    /** False when the header vouches for every record. */
    private static boolean mustRead(ByteBuffer batch, int at, int rules, long from, long to) {
        if ((rules & KEYS) != 0) {
            return true;
        }
        long max = BatchHeader.maxTimestamp(batch, at);
        if ((rules & MARKED_LOG_APPEND_TIME) != 0) {
            // Every record of such a batch reads as stamped with the batch's maximum timestamp.
            return (rules & CREATE_TIME) == 0 || max == BatchHeader.NO_TIMESTAMP || !inWindow(max, from, to);
        }
        return (rules & CREATE_TIME) != 0
                && (from > 0
                        || !unsetOrInWindow(BatchHeader.baseTimestamp(batch, at), from, to)
                        || !unsetOrInWindow(max, from, to));
    }

    private static boolean inWindow(long timestamp, long from, long to) {
        return timestamp >= from && timestamp <= to;
    }

    private static boolean unsetOrInWindow(long timestamp, long from, long to) {
        return timestamp == BatchHeader.NO_TIMESTAMP || inWindow(timestamp, from, to);
    }

    private static int problem(int rules, boolean hasKey, long timestamp, long from, long to) {
        if ((rules & KEYS) != 0 && !hasKey) {
            return NO_KEY;
        }
        if ((rules & CREATE_TIME) != 0 && timestamp != BatchHeader.NO_TIMESTAMP) {
            return inWindow(timestamp, from, to) ? FINE : OUT_OF_RANGE;
        }
        return (rules & MARKED_LOG_APPEND_TIME) != 0 ? STAMPED_BY_PRODUCER : FINE;
    }

    /**
     * Reads an uncompressed batch's records where they lie: each record's length, attributes,
     * timestamp delta, offset delta and key length (the value length too for a bad one).
     *
     * @throws InvalidRecordException when the records do not fill the batch exactly
     */
    private static Rejections readInPlace(ByteBuffer b, int at, int size, int rules, long from, long to, String tp) {
        int end = at + size;
        int count = BatchHeader.recordCount(b, at);
        long baseOffset = BatchHeader.baseOffset(b, at);
        long baseTimestamp = BatchHeader.baseTimestamp(b, at);
        long maxTimestamp = BatchHeader.maxTimestamp(b, at);
        Rejections bad = null;
        int pos = at + BatchHeader.HEADER_SIZE;
        for (int i = 0; i < count; i++) {
            if (pos == end) {
                throw new InvalidRecordException("the batch ends after " + i + " of its " + count + " records");
            }
            int start = skipVarint(b, pos, end, MAX_VARINT_BYTES, i);
            long length = varlong(b, pos);
            if (length < 1 || length > end - start) {
                throw new InvalidRecordException(
                        "record " + i + " declares " + length + " bytes where " + (end - start) + " remain");
            }
            int recordEnd = start + (int) length;
            int timestampAt = start + 1; // after the attributes byte
            int offsetDeltaAt = skipVarint(b, timestampAt, recordEnd, MAX_VARLONG_BYTES, i);
            int keyLengthAt = skipVarint(b, offsetDeltaAt, recordEnd, MAX_VARINT_BYTES, i);
            int keyAt = skipVarint(b, keyLengthAt, recordEnd, MAX_VARINT_BYTES, i);
            long keyLength = varlong(b, keyLengthAt);
            long timestamp =
                    (rules & MARKED_LOG_APPEND_TIME) != 0 ? maxTimestamp : baseTimestamp + varlong(b, timestampAt);
            int problem = problem(rules, keyLength >= 0, timestamp, from, to);
            if (problem != FINE) {
                long offset = baseOffset + varlong(b, offsetDeltaAt);
                String record = problem == STAMPED_BY_PRODUCER
                        ? describe(offset, timestamp, keyLength, valueLength(b, keyAt, keyLength, recordEnd, i))
                        : null;
                bad = Rejections.add(bad, i, problem, message(problem, tp, timestamp, offset, from, to, record));
            }
            pos = recordEnd;
        }
        if (pos != end) {
            throw new InvalidRecordException((end - pos) + " bytes follow the last of its " + count + " records");
        }
        return bad;
    }

    private static long valueLength(ByteBuffer b, int keyAt, long keyLength, int recordEnd, int record) {
        long valueLengthAt = keyAt + Math.max(0, keyLength);
        if (valueLengthAt >= recordEnd) {
            throw new InvalidRecordException("the key of record " + record + " runs past the record");
        }
        skipVarint(b, (int) valueLengthAt, recordEnd, MAX_VARINT_BYTES, record);
        return varlong(b, (int) valueLengthAt);
    }

    /** A record as Kafka's {@code DefaultRecord.toString()} describes it. */
    private static String describe(long offset, long timestamp, long keyLength, long valueLength) {
        return "DefaultRecord(offset=" + offset + ", timestamp=" + timestamp + ", key=" + Math.max(0, keyLength)
                + " bytes, value=" + Math.max(0, valueLength) + " bytes)";
    }

    /**
     * Decompresses the batch's records, skipping keys and values unless the batch is to be rebuilt
     * (so a record is described as Kafka describes it in each case).
     */
    private static Rejections readCompressed(
            ByteBuffer batch, boolean rebuilt, int rules, long from, long to, String tp) {
        MutableRecordBatch source = MemoryRecords.readableRecords(batch.slice())
                .batches()
                .iterator()
                .next();
        BufferSupplier buffers = BufferSupplier.NO_CACHING;
        Rejections bad = null;
        try (CloseableIterator<Record> records = !rebuilt && source instanceof DefaultRecordBatch v2
                ? v2.skipKeyValueIterator(buffers)
                : source.streamingIterator(buffers)) {
            for (int i = 0; records.hasNext(); i++) {
                Record r = records.next();
                int problem = problem(rules, r.hasKey(), r.timestamp(), from, to);
                if (problem != FINE) {
                    String record = problem == STAMPED_BY_PRODUCER ? r.toString() : null;
                    bad = Rejections.add(
                            bad, i, problem, message(problem, tp, r.timestamp(), r.offset(), from, to, record));
                }
            }
        }
        return bad;
    }

    /** Kafka's message for a bad record. */
    private static String message(
            int problem, String tp, long timestamp, long offset, long from, long to, String record) {
        return switch (problem) {
            case NO_KEY -> "Compacted topic cannot accept message without key in topic partition " + tp;
            case OUT_OF_RANGE ->
                "Timestamp " + timestamp + " of message with offset " + offset
                        + " is out of range. The timestamp should be within [" + from + ", " + to + "]";
            default ->
                "Invalid timestamp type in message " + record
                        + ". Producer should not set timestamp type to LogAppendTime.";
        };
    }

    /**
     * Where the varint (or varlong) at {@code pos} ends.
     *
     * @throws InvalidRecordException when it runs past {@code end} or over {@code maxBytes}
     */
    private static int skipVarint(ByteBuffer b, int pos, int end, int maxBytes, int record) {
        for (int n = 0; n < maxBytes; n++) {
            if (pos + n >= end) {
                throw new InvalidRecordException("record " + record + " ends inside a field");
            }
            if (b.get(pos + n) >= 0) {
                return pos + n + 1;
            }
        }
        throw new InvalidRecordException(
                "record " + record + " has a variable-length field over " + maxBytes + " bytes");
    }

    /** The zig-zag encoded varint or varlong at {@code pos}, whose end {@link #skipVarint} checked. */
    private static long varlong(ByteBuffer b, int pos) {
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            byte next = b.get(pos++);
            raw |= (long) (next & 0x7f) << shift;
            if (next >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    /** The bad records of a batch, collected from the first one found. */
    private static final class Rejections {
        private final List<RecordError> errors = new ArrayList<>();
        private boolean timestamps;

        static Rejections add(Rejections found, int index, int problem, String message) {
            Rejections r = found != null ? found : new Rejections();
            r.errors.add(new RecordError(index, message));
            r.timestamps |= problem != NO_KEY;
            return r;
        }

        /** Kafka's answer: INVALID_TIMESTAMP if any timestamp is at fault, else INVALID_RECORD. */
        AppendResult refusal(long logStartOffset) {
            if (timestamps) {
                return AppendResult.rejectedRecords(
                        Errors.INVALID_TIMESTAMP,
                        "One or more records have been rejected due to invalid timestamp",
                        errors,
                        logStartOffset);
            }
            return AppendResult.rejectedRecords(
                    Errors.INVALID_RECORD,
                    "One or more records have been rejected due to " + errors.size() + " record errors in total,"
                            + " and only showing the first three errors at most: "
                            + errors.subList(0, Math.min(errors.size(), 3)),
                    errors,
                    logStartOffset);
        }
    }
}
