package io.millrace.broker.log;

import static io.millrace.broker.log.CompactionFixture.compacted;
import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The log manager applies new cleaner settings and producer expiry while it runs. */
class LogCleanerReconfigureTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs().withCleaner(new CleanerConfig(true, 1, 1 << 20, 16 * 1024, 1));

    private static BrokerConfig broker(Map<String, String> settings) {
        return BrokerConfig.parse(settings);
    }

    @Test
    void aNewThreadCountReplacesTheThreadsWhichKeepCompacting() throws Exception {
        LogCleaner cleaner = logs.manager.cleaner();
        List<Thread> before = cleaner.threads();
        assertThat(before).hasSize(1);

        logs.manager.reconfigure(
                broker(Map.of()),
                broker(Map.of(
                        BrokerConfig.LOG_CLEANER_THREADS, "3",
                        BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE, String.valueOf(1 << 20),
                        BrokerConfig.LOG_CLEANER_BACKOFF_MS, "1")));

        assertThat(before).allSatisfy(t -> assertThat(t.isAlive()).isFalse());
        assertThat(cleaner.threads())
                .hasSize(3)
                .allSatisfy(t -> assertThat(t.isAlive()).isTrue())
                .extracting(Thread::getName)
                .containsExactly(
                        LogCleaner.THREAD_PREFIX + 1, LogCleaner.THREAD_PREFIX + 2, LogCleaner.THREAD_PREFIX + 3);

        PartitionLog log = logs.create("state", 0, compacted(LogConfig.SEGMENT_MS, "1"));
        for (int i = 0; i < 10; i++) {
            TestLogs.append(log, TestBatches.keyed(logs.clock.milliseconds(), "k", "v" + i));
            logs.clock.advanceMs(2);
        }
        TestLogs.awaitDurable(log);
        TestLogs.await("a cleaner thread of the new set compacts the log", () -> cleaner.passes() > 0);
    }

    @Test
    void aNewBackoffKeepsTheThreads() {
        LogCleaner cleaner = logs.manager.cleaner();
        List<Thread> before = cleaner.threads();

        logs.manager.reconfigure(
                broker(Map.of()),
                broker(Map.of(
                        BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE, String.valueOf(1 << 20),
                        BrokerConfig.LOG_CLEANER_IO_BUFFER_SIZE, String.valueOf(16 * 1024),
                        BrokerConfig.LOG_CLEANER_BACKOFF_MS, "50")));

        assertThat(cleaner.threads()).isEqualTo(before);
        assertThat(before).allSatisfy(t -> assertThat(t.isAlive()).isTrue());
    }
}
