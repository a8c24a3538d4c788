package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampLookupTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private long t0;

    @BeforeEach
    void setUp() {
        t0 = logs.clock.milliseconds() - 100_000;
    }

    private static Compression compression(String name) {
        return Compression.of(name).build();
    }

    /** Batches of 4 records; record i has timestamp t0 + 10 * i, except a peak planted in batch 2. */
    private PartitionLog fill(String codec, int batches) throws Exception {
        PartitionLog log =
                logs.create("events", 0, config(LogConfig.SEGMENT_BYTES, "1024", LogConfig.INDEX_INTERVAL_BYTES, "64"));
        for (int b = 0; b < batches; b++) {
            long[] ts = new long[4];
            for (int r = 0; r < 4; r++) {
                ts[r] = t0 + 10L * (b * 4 + r);
            }
            if (b == 2) {
                ts[1] = t0 + 50_000;
            }
            append(log, TestBatches.compressed(compression(codec), ts, TestBatches.values("b" + b + "-", 4)));
        }
        awaitDurable(log);
        return log;
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "lz4", "zstd", "snappy"})
    void shouldFindTheFirstRecordAtOrAfterATimestamp(String codec) throws Exception {
        PartitionLog log = fill(codec, 30);
        assertThat(log.numberOfSegments()).isGreaterThan(1);

        assertThat(log.offsetForTimestamp(t0)).contains(new TimestampOffset(t0, 0));
        assertThat(log.offsetForTimestamp(t0 + 5)).contains(new TimestampOffset(t0 + 10, 1));
        // record 2 of batch 1 (offset 6): the search enters a compressed batch
        assertThat(log.offsetForTimestamp(t0 + 60)).contains(new TimestampOffset(t0 + 60, 6));
        // the planted peak (offset 9) is the first record at or after t0 + 1000
        assertThat(log.offsetForTimestamp(t0 + 1000)).contains(new TimestampOffset(t0 + 50_000, 9));
        assertThat(log.offsetForTimestamp(t0 + 1_000_000)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "lz4", "zstd", "snappy"})
    void shouldFindTheRecordWithTheLargestTimestamp(String codec) throws Exception {
        PartitionLog log = fill(codec, 30);

        assertThat(log.maxTimestampOffset()).contains(new TimestampOffset(t0 + 50_000, 9));
    }

    @Test
    void shouldAnswerTimestampQueriesOnlyWithinTheDurableRangeAndAfterLogStart() throws Exception {
        PartitionLog log = fill("none", 30);
        log.deleteRecordsBefore(10);

        assertThat(log.offsetForTimestamp(t0)).contains(new TimestampOffset(t0 + 100, 10));
        log.deleteRecordsBefore(20);
        assertThat(log.offsetForTimestamp(t0 + 1000)).contains(new TimestampOffset(t0 + 1000, 100));
        assertThat(log.maxTimestampOffset()).contains(new TimestampOffset(t0 + 10 * 119, 119));
    }

    @Test
    void shouldPickTheEarliestRecordWhenTimestampsTie() throws Exception {
        PartitionLog log = logs.create("events", 0, config());
        append(log, TestBatches.batch(t0 + 5, "a", "b"));
        append(log, TestBatches.batch(t0 + 5, "c"));
        awaitDurable(log);

        assertThat(log.maxTimestampOffset()).contains(new TimestampOffset(t0 + 5, 0));
    }

    @Test
    void shouldUseTimestampsAfterARestart() throws Exception {
        fill("lz4", 30);

        PartitionLog reopened = logs.restart().log("events", 0).orElseThrow();

        assertThat(reopened.maxTimestampOffset()).contains(new TimestampOffset(t0 + 50_000, 9));
        assertThat(reopened.offsetForTimestamp(t0 + 60)).contains(new TimestampOffset(t0 + 60, 6));
    }
}
