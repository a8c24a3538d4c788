package io.millrace.broker.log;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Optional;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Checks one produced record batch before it is stored, and applies the topic's
 * timestamp-type and compression settings to it.
 *
 * <p>Checks, in order (the first failure is returned, nothing is thrown): exactly one whole batch,
 * magic 2, size within max.message.bytes, CRC-32C, offset/record-count consistency and batch kind
 * for the origin, then every record's key and timestamp ({@link RecordChecks}: the records are
 * read only when the header cannot vouch for them, and each bad one is named). Then, when
 * compression.type names a codec the batch does not use, the batch is decompressed and rebuilt in
 * that codec; under LogAppendTime the batch's max timestamp is set to the broker's clock and the
 * CRC recomputed in place. Everything else works on the 61-byte header only.
 *
 * <p>Only the coordinator may write control batches (transaction markers, exactly one record);
 * whether a transactional batch fits the producer's transaction is decided against the producer
 * state ({@link ProducerStateTable}). Stateless and thread-safe.
 */
final class BatchValidator {

    private BatchValidator() {}

    /** A batch ready to store, or the reason it was refused. */
    record Outcome(AppendResult failure, ByteBuffer batch, long logAppendTime) {
        static Outcome fail(Errors error, String message, long logStartOffset) {
            return new Outcome(AppendResult.failed(error, message, logStartOffset), null, -1L);
        }
    }

    static Outcome validate(
            ByteBuffer batch, LogConfig config, AppendOrigin origin, long nowMs, String tp, long logStartOffset) {
        int at = batch.position();
        int size = batch.remaining();
        if (size < BatchHeader.HEADER_SIZE) {
            return Outcome.fail(
                    Errors.CORRUPT_MESSAGE,
                    "Produce to " + tp + " carried " + size + " bytes, fewer than a record batch header ("
                            + BatchHeader.HEADER_SIZE + ")",
                    logStartOffset);
        }
        long declared = (long) BatchHeader.length(batch, at) + BatchHeader.LOG_OVERHEAD;
        if (declared != size) {
            boolean moreBatches = declared >= BatchHeader.HEADER_SIZE && declared < size;
            return Outcome.fail(
                    moreBatches ? Errors.INVALID_RECORD : Errors.CORRUPT_MESSAGE,
                    moreBatches
                            ? "Produce to " + tp + " carried more than one record batch (first is " + declared + " of "
                                    + size + " bytes); a produce request may carry exactly one batch per partition"
                            : "Record batch for " + tp + " declares " + declared + " bytes but " + size
                                    + " were received",
                    logStartOffset);
        }
        byte magic = BatchHeader.magic(batch, at);
        if (magic != BatchHeader.MAGIC_V2) {
            return Outcome.fail(
                    Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT,
                    "Record batch for " + tp + " has magic " + magic
                            + "; only message format v2 (magic 2) is supported",
                    logStartOffset);
        }
        if (size > config.maxMessageBytes()) {
            return tooLarge(tp, size, config, logStartOffset);
        }
        long storedCrc = BatchHeader.crc(batch, at);
        long computedCrc = BatchHeader.computeCrc(batch, at, size);
        if (storedCrc != computedCrc) {
            return Outcome.fail(
                    Errors.CORRUPT_MESSAGE,
                    "Record batch for " + tp + " failed its CRC check (stored " + storedCrc + ", computed "
                            + computedCrc + "); it was damaged in transit",
                    logStartOffset);
        }
        Outcome shape = checkShape(batch, at, origin, tp, logStartOffset);
        if (shape != null) {
            return shape;
        }
        int attributes = BatchHeader.attributes(batch, at);
        boolean logAppendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
        boolean control = (attributes & BatchHeader.CONTROL_FLAG_MASK) != 0;
        Optional<Compression> target = config.targetCompression();
        boolean rebuild = target.isPresent()
                && !control
                && target.get().type().id != (attributes & BatchHeader.COMPRESSION_CODEC_MASK);
        AppendResult badRecords = RecordChecks.check(batch, at, size, config, nowMs, rebuild, tp, logStartOffset);
        if (badRecords != null) {
            return new Outcome(badRecords, null, -1L);
        }
        if (rebuild) {
            return recompress(batch, target.get(), logAppendTime, nowMs, config, tp, logStartOffset);
        }
        if (logAppendTime) {
            batch.putShort(at + BatchHeader.ATTRIBUTES_OFFSET, (short) (attributes | BatchHeader.TIMESTAMP_TYPE_MASK));
            batch.putLong(at + BatchHeader.MAX_TIMESTAMP_OFFSET, nowMs);
            BatchHeader.rewriteCrc(batch, at, size);
            return new Outcome(null, batch, nowMs);
        }
        return new Outcome(null, batch, -1L);
    }

    private static Outcome checkShape(ByteBuffer batch, int at, AppendOrigin origin, String tp, long logStart) {
        int attributes = BatchHeader.attributes(batch, at);
        int codec = attributes & BatchHeader.COMPRESSION_CODEC_MASK;
        if (codec > CompressionType.ZSTD.id) {
            return Outcome.fail(
                    Errors.CORRUPT_MESSAGE,
                    "Record batch for " + tp + " names unknown compression codec " + codec,
                    logStart);
        }
        int count = BatchHeader.recordCount(batch, at);
        int lastOffsetDelta = BatchHeader.lastOffsetDelta(batch, at);
        if (count < 1 || lastOffsetDelta != count - 1) {
            return Outcome.fail(
                    Errors.INVALID_RECORD,
                    "Record batch for " + tp + " has " + count
                            + " records but last offset delta " + lastOffsetDelta
                            + "; expected at least one record and a delta"
                            + " of count - 1",
                    logStart);
        }
        boolean control = (attributes & BatchHeader.CONTROL_FLAG_MASK) != 0;
        if (control && origin == AppendOrigin.CLIENT) {
            return Outcome.fail(
                    Errors.INVALID_RECORD, "Clients may not write control batches (to " + tp + ")", logStart);
        }
        if (control && count != 1) {
            return Outcome.fail(
                    Errors.INVALID_RECORD,
                    "Control batch for " + tp + " has " + count + " records; a transaction marker holds exactly one",
                    logStart);
        }
        long producerId = BatchHeader.producerId(batch, at);
        if (producerId >= 0
                && (BatchHeader.producerEpoch(batch, at) < 0 || BatchHeader.baseSequence(batch, at) < 0)
                && (attributes & BatchHeader.CONTROL_FLAG_MASK) == 0) {
            return Outcome.fail(
                    Errors.INVALID_RECORD,
                    "Idempotent batch from producer " + producerId + " for " + tp
                            + " has epoch " + BatchHeader.producerEpoch(batch, at) + " and base sequence "
                            + BatchHeader.baseSequence(batch, at) + "; both must be non-negative",
                    logStart);
        }
        return null;
    }

    private static Outcome tooLarge(String tp, int size, LogConfig config, long logStart) {
        return Outcome.fail(
                Errors.MESSAGE_TOO_LARGE,
                "Record batch of " + size + " bytes for " + tp + " exceeds " + LogConfig.MAX_MESSAGE_BYTES + "="
                        + config.maxMessageBytes(),
                logStart);
    }

    /** Rebuilds the batch in the topic's codec, keeping producer fields and every record field. */
    private static Outcome recompress(
            ByteBuffer batch,
            Compression target,
            boolean logAppendTime,
            long nowMs,
            LogConfig config,
            String tp,
            long logStart) {
        int at = batch.position();
        try {
            MutableRecordBatch source = MemoryRecords.readableRecords(batch.slice())
                    .batches()
                    .iterator()
                    .next();
            MemoryRecordsBuilder builder = MemoryRecords.builder(
                    ByteBuffer.allocate(Math.max(256, batch.remaining())),
                    BatchHeader.MAGIC_V2,
                    target,
                    logAppendTime ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                    source.baseOffset(),
                    logAppendTime ? nowMs : -1L,
                    source.producerId(),
                    source.producerEpoch(),
                    source.baseSequence(),
                    source.isTransactional(),
                    false,
                    source.partitionLeaderEpoch());
            int count = 0;
            for (Iterator<Record> it = source.iterator(); it.hasNext(); ) {
                Record r = it.next();
                if (r.offset() != source.baseOffset() + count) {
                    return Outcome.fail(
                            Errors.INVALID_RECORD,
                            "Record " + count + " of the batch for " + tp + " has offset delta "
                                    + (r.offset() - source.baseOffset()) + "; deltas must run 0, 1, 2, ...",
                            logStart);
                }
                builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
                count++;
            }
            if (count != BatchHeader.recordCount(batch, at)) {
                return Outcome.fail(
                        Errors.INVALID_RECORD,
                        "Record batch for " + tp + " declares " + BatchHeader.recordCount(batch, at)
                                + " records but holds " + count,
                        logStart);
            }
            ByteBuffer rebuilt = builder.build().buffer();
            if (rebuilt.remaining() > config.maxMessageBytes()) {
                return tooLarge(tp, rebuilt.remaining(), config, logStart);
            }
            return new Outcome(null, rebuilt, logAppendTime ? nowMs : -1L);
        } catch (RuntimeException e) {
            // Corrupt compressed payloads surface as KafkaException, BufferUnderflowException,
            // IllegalArgumentException, ... from the codec: all mean the producer sent bad bytes.
            return Outcome.fail(
                    Errors.CORRUPT_MESSAGE,
                    "Record batch for " + tp + " could not be decompressed to" + " convert it to "
                            + LogConfig.COMPRESSION_TYPE + "=" + config.compressionType() + ": " + e,
                    logStart);
        }
    }
}
