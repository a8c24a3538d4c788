package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PartitionLogAppendReadTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    @Test
    void shouldReadBackAppendedBatchByteForByteWithOnlyOffsetAndEpochAssigned() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a", "b"));
        ByteBuffer batch = TestBatches.batch(logs.clock.milliseconds(), "c", "d", "e");
        byte[] sent = TestBatches.bytesOf(batch);

        AppendResult r = append(log, batch);
        awaitDurable(log);

        assertThat(r.baseOffset()).isEqualTo(2);
        assertThat(r.lastOffset()).isEqualTo(4);
        LogReadResult read = log.read(2, 1 << 20, false);
        assertThat(read.error()).isEqualTo(Errors.NONE);
        byte[] stored = TestBatches.bytesOf(read.records());
        ByteBuffer expected = ByteBuffer.wrap(sent);
        expected.putLong(BatchHeader.BASE_OFFSET_OFFSET, 2L);
        expected.putInt(BatchHeader.PARTITION_LEADER_EPOCH_OFFSET, 7);
        assertThat(stored).isEqualTo(expected.array());
        MutableRecordBatch parsed = TestBatches.batchesOf(read.records()).get(0);
        assertThat(parsed.isValid()).isTrue();
        assertThat(parsed.partitionLeaderEpoch()).isEqualTo(7);
        assertThat(read.highWatermark()).isEqualTo(5);
        assertThat(read.logEndOffset()).isEqualTo(5);
    }

    @Test
    void shouldAssignContiguousOffsetsAcrossSegmentRolls() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        long expectedBase = 0;
        for (int i = 0; i < 60; i++) {
            AppendResult r = append(log, TestBatches.batch(logs.clock.milliseconds(), TestBatches.values("v" + i, 3)));
            assertThat(r.baseOffset()).isEqualTo(expectedBase);
            expectedBase = r.lastOffset() + 1;
        }
        awaitDurable(log);

        assertThat(log.numberOfSegments()).isGreaterThan(3);
        List<Long> offsets = new ArrayList<>();
        long next = 0;
        while (next < log.logEndOffset()) {
            LogReadResult read = log.read(next, 1 << 20, true);
            List<Long> got = TestBatches.offsetsOf(read.records());
            assertThat(got).isNotEmpty();
            offsets.addAll(got);
            next = got.get(got.size() - 1) + 1;
        }
        assertThat(offsets)
                .containsExactlyElementsOf(LongStream.range(0, 180).boxed().toList());
    }

    @Test
    void shouldFindOffsetsInClosedSegmentsThroughTheIndex() throws Exception {
        PartitionLog log = logs.create(
                "orders", 0, config(LogConfig.SEGMENT_BYTES, "2048", LogConfig.INDEX_INTERVAL_BYTES, "100"));
        logs.fill(log, 100);
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        assertThat(TestLogs.segmentFile(log, 0, LogSegment.INDEX_SUFFIX)).isNotEmptyFile();

        for (long offset : new long[] {0, 1, 17, 42, 63, 99}) {
            LogReadResult read = log.read(offset, 1, true);
            assertThat(TestBatches.offsetsOf(read.records())).containsExactly(offset);
            assertThat(TestBatches.valuesOf(read.records())).containsExactly("value-" + offset);
        }
    }

    @Test
    void shouldReturnTheWholeFirstBatchWhenItExceedsMaxBytesAndMinOneBatchIsSet() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        ByteBuffer big = TestBatches.batch(logs.clock.milliseconds(), TestBatches.values("x", 50));
        int size = big.remaining();
        append(log, big);
        append(log, TestBatches.batch(logs.clock.milliseconds(), "after"));
        awaitDurable(log);

        LogReadResult withMin = log.read(0, 10, true);
        assertThat(withMin.records().sizeInBytes()).isEqualTo(size);
        assertThat(TestBatches.valuesOf(withMin.records())).hasSize(50);

        LogReadResult withoutMin = log.read(0, 10, false);
        assertThat(withoutMin.records().sizeInBytes()).isEqualTo(10);
    }

    @Test
    void shouldCutTheSliceAtMaxBytes() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        List<Integer> sizes = logs.fill(log, 5);

        int twoBatches = sizes.get(0) + sizes.get(1);
        LogReadResult read = log.read(0, twoBatches + 5, false);
        assertThat(read.records().sizeInBytes()).isEqualTo(twoBatches + 5);
        assertThat(TestBatches.offsetsOf(read.records())).containsExactly(0L, 1L);

        LogReadResult fromMiddle = log.read(3, 1 << 20, false);
        assertThat(TestBatches.offsetsOf(fromMiddle.records())).containsExactly(3L, 4L);
    }

    @Test
    void shouldAnswerOffsetOutOfRangeOutsideTheLog() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
        awaitDurable(log);

        assertThat(log.read(2, 100, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(log.read(-1, 100, true).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        LogReadResult atEnd = log.read(1, 100, true);
        assertThat(atEnd.error()).isEqualTo(Errors.NONE);
        assertThat(atEnd.records().sizeInBytes()).isZero();
    }

    @Test
    void shouldStoreBatchesConvertedToTheTopicCompression() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.COMPRESSION_TYPE, "gzip"));
        long ts = logs.clock.milliseconds();
        append(log, TestBatches.idempotent(42L, (short) 3, 10, ts, "a", "b", "c"));
        awaitDurable(log);

        MutableRecordBatch stored =
                TestBatches.batchesOf(log.read(0, 1 << 20, true).records()).get(0);
        assertThat(stored.isValid()).isTrue();
        assertThat(stored.compressionType().name).isEqualTo("gzip");
        assertThat(stored.producerId()).isEqualTo(42L);
        assertThat(stored.producerEpoch()).isEqualTo((short) 3);
        assertThat(stored.baseSequence()).isEqualTo(10);
        assertThat(TestBatches.valuesOf(log.read(0, 1 << 20, true).records())).containsExactly("a", "b", "c");
        assertThat(TestBatches.offsetsOf(log.read(0, 1 << 20, true).records())).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldStampLogAppendTimeAndKeepTheCrcValid() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        logs.clock.advanceMs(1234);
        long now = logs.clock.milliseconds();

        AppendResult r = append(log, TestBatches.batch(12345L, "a", "b"));
        awaitDurable(log);

        assertThat(r.logAppendTime()).isEqualTo(now);
        MutableRecordBatch stored =
                TestBatches.batchesOf(log.read(0, 1 << 20, true).records()).get(0);
        assertThat(stored.isValid()).isTrue();
        assertThat(stored.timestampType().name).isEqualTo("LogAppendTime");
        assertThat(stored.maxTimestamp()).isEqualTo(now);
        stored.forEach(record -> assertThat(record.timestamp()).isEqualTo(now));
    }
}
