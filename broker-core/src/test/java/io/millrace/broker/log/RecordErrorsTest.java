package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.HOUR;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceResponse.RecordError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-record validation (KIP-467): a batch refused because of some of its records names each of
 * them by its index in the batch, with Kafka's error codes and messages, and stores nothing.
 */
class RecordErrorsTest {

    private static final String NO_KEY = "Compacted topic cannot accept message without key in topic partition state-0";

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private static Compression compression(String codec) {
        return switch (codec) {
            case "none" -> Compression.NONE;
            case "gzip" -> Compression.gzip().build();
            case "lz4" -> Compression.lz4().build();
            case "zstd" -> Compression.zstd().build();
            default -> throw new IllegalArgumentException(codec);
        };
    }

    /** A batch in {@code codec} of keyed records (key, value, ...; a null key is a record without key), stamped now. */
    private ByteBuffer keyed(String codec, String... keyValues) {
        return TestBatches.keyed(
                compression(codec),
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                logs.clock.milliseconds(),
                keyValues);
    }

    private static String summary(List<RecordError> shown, int total) {
        return "One or more records have been rejected due to " + total + " record errors in total, and only"
                + " showing the first three errors at most: " + shown;
    }

    private static String outOfRange(long timestamp, long offset, long from, long to) {
        return "Timestamp " + timestamp + " of message with offset " + offset
                + " is out of range. The timestamp should be within [" + from + ", " + to + "]";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "lz4", "zstd"})
    void aCompactedTopicNamesEveryRecordWithoutKeyAndStoresNothing(String codec) throws Exception {
        PartitionLog state = logs.create("state", 0, config(LogConfig.CLEANUP_POLICY, "compact"));
        ByteBuffer batch = keyed(codec, "k0", "v0", null, "v1", "k2", "v2", null, "v3", "k4", "v4");

        AppendResult r = state.append(batch, 0, AppendOrigin.CLIENT);

        List<RecordError> expected = List.of(new RecordError(1, NO_KEY), new RecordError(3, NO_KEY));
        assertThat(r.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(r.recordErrors()).containsExactlyElementsOf(expected);
        assertThat(r.errorMessage()).isEqualTo(summary(expected, 2));
        assertThat(r.baseOffset()).isEqualTo(-1L);
        assertThat(state.logEndOffset()).as("nothing of the batch is stored").isZero();
    }

    @Test
    void theRecordsAreCheckedBeforeTheBatchIsConvertedToTheTopicsCompression() throws Exception {
        PartitionLog state = logs.create(
                "state", 0, config(LogConfig.CLEANUP_POLICY, "compact", LogConfig.COMPRESSION_TYPE, "gzip"));

        AppendResult r = state.append(
                TestBatches.keyed(logs.clock.milliseconds(), null, "v0", "k1", "v1"), 0, AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(r.recordErrors()).containsExactly(new RecordError(0, NO_KEY));
        assertThat(state.logEndOffset()).isZero();
    }

    @Test
    void everyBadRecordIsListedButTheSummaryShowsTheFirstThree() throws Exception {
        PartitionLog state = logs.create("state", 0, config(LogConfig.CLEANUP_POLICY, "compact"));

        AppendResult r = state.append(
                TestBatches.keyed(
                        logs.clock.milliseconds(), null, "a", null, "b", "k", "c", null, "d", null, "e", null, "f"),
                0,
                AppendOrigin.CLIENT);

        assertThat(r.recordErrors()).extracting(e -> e.batchIndex).containsExactly(0, 1, 3, 4, 5);
        assertThat(r.errorMessage()).isEqualTo(summary(r.recordErrors().subList(0, 3), 5));
    }

    @Test
    void recordsOlderThanTheWindowAreNamedEvenWhenTheBatchHeaderLooksFine() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "60000"));
        long now = logs.clock.milliseconds();
        long old = now - 120_000;
        long[] timestamps = {now, old, now - 60_000, old - 1, RecordBatch.NO_TIMESTAMP, now};

        AppendResult r = log.append(
                TestBatches.compressed(Compression.NONE, timestamps, "a", "b", "at the edge", "d", "none", "f"),
                0,
                AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(r.recordErrors())
                .containsExactly(
                        new RecordError(1, outOfRange(old, 1, now - 60_000, now + HOUR)),
                        new RecordError(3, outOfRange(old - 1, 3, now - 60_000, now + HOUR)));
        assertThat(r.errorMessage()).isEqualTo("One or more records have been rejected due to invalid timestamp");
        assertThat(log.logEndOffset()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "gzip"})
    void recordsTooFarInTheFutureAreNamed(String codec) throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, "60000"));
        long now = logs.clock.milliseconds();
        long future = now + 60_001;

        AppendResult r = log.append(
                TestBatches.compressed(
                        compression(codec), new long[] {now, future, now + 60_000}, "a", "b", "at the edge"),
                0,
                AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(r.recordErrors()).containsExactly(new RecordError(1, outOfRange(future, 1, 0, now + 60_000)));
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void aBatchWithRecordsBadInBothWaysIsRefusedAsInvalidTimestampNamingEveryRecord() throws Exception {
        PartitionLog state = logs.create(
                "state",
                0,
                config(LogConfig.CLEANUP_POLICY, "compact", LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "60000"));
        long now = logs.clock.milliseconds();
        long old = now - 60_001;
        MemoryRecordsBuilder builder = builder(TimestampType.CREATE_TIME, RecordBatch.NO_TIMESTAMP);
        builder.append(now, null, utf8("no key"));
        builder.append(old, utf8("k"), utf8("too old"));
        builder.append(old, null, utf8("no key and too old"));
        builder.append(now, utf8("k"), utf8("fine"));

        AppendResult r = state.append(builder.build().buffer(), 0, AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(r.recordErrors())
                .as("a record without key is reported for its key alone, as Kafka does")
                .containsExactly(
                        new RecordError(0, NO_KEY),
                        new RecordError(1, outOfRange(old, 1, now - 60_000, now + HOUR)),
                        new RecordError(2, NO_KEY));
        assertThat(r.errorMessage()).isEqualTo("One or more records have been rejected due to invalid timestamp");
        assertThat(state.logEndOffset()).isZero();
    }

    @Test
    void aProducerMayNotMarkItsBatchLogAppendTime() throws Exception {
        PartitionLog log = logs.create("stamped", 0, config(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        long stamped = logs.clock.milliseconds() - 5;
        MemoryRecordsBuilder builder = builder(TimestampType.LOG_APPEND_TIME, stamped);
        builder.append(stamped, utf8("key"), utf8("value"));
        builder.append(stamped, null, utf8("v"));

        AppendResult r = log.append(builder.build().buffer(), 0, AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(r.recordErrors())
                .containsExactly(
                        new RecordError(
                                0,
                                "Invalid timestamp type in message DefaultRecord(offset=0, timestamp=" + stamped
                                        + ", key=3 bytes, value=5 bytes). Producer should not set timestamp type to"
                                        + " LogAppendTime."),
                        new RecordError(
                                1,
                                "Invalid timestamp type in message DefaultRecord(offset=1, timestamp=" + stamped
                                        + ", key=0 bytes, value=1 bytes). Producer should not set timestamp type to"
                                        + " LogAppendTime."));
        assertThat(log.logEndOffset()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "lz4"})
    void recordsThatDoNotFillTheBatchAsItsHeaderSaysAreAnInvalidRecord(String codec) throws Exception {
        PartitionLog state = logs.create("state", 0, config(LogConfig.CLEANUP_POLICY, "compact"));
        ByteBuffer twoRecords = keyed(codec, "k0", "v0", "k1", "v1");
        twoRecords.putInt(BatchHeader.RECORDS_COUNT_OFFSET, 1);
        twoRecords.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, 0);
        BatchHeader.rewriteCrc(twoRecords, 0, twoRecords.remaining());

        AppendResult r = state.append(twoRecords, 0, AppendOrigin.CLIENT);

        assertThat(r.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(r.errorMessage()).startsWith("The records of the batch for state-0 do not match its header: ");
        assertThat(r.recordErrors()).isEmpty();
        assertThat(state.logEndOffset()).isZero();
    }

    private static MemoryRecordsBuilder builder(TimestampType type, long logAppendTime) {
        return MemoryRecords.builder(
                ByteBuffer.allocate(1024),
                RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE,
                type,
                0L,
                logAppendTime,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
