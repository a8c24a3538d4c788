package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hitting a resource limit refuses the operation with an operator-readable reason and loses nothing. */
class ResourceLimitTest {

    private final FaultInjectingChannels channels = new FaultInjectingChannels();

    @RegisterExtension
    final TestLogs logs = new TestLogs(1, channels).withPreallocateBytes(0);

    @Test
    void appendOnAFullDiskIsRefusedAndThePartitionStaysOnline() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        logs.fill(log, 3);

        channels.diskFull(true);
        AppendResult refused = log.append(TestBatches.batch(logs.clock.milliseconds(), "lost"), 7, AppendOrigin.CLIENT);
        channels.diskFull(false);

        assertThat(refused.error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(refused.errorMessage()).contains("is full", "retention.bytes");
        assertThat(log.isOffline()).isFalse();
        assertThat(TestLogs.append(log, TestBatches.batch(logs.clock.milliseconds(), "next"))
                        .baseOffset())
                .isEqualTo(3);
        TestLogs.awaitDurable(log);
        assertThat(TestLogs.readAll(log))
                .extracting(TestBatches.Entry::value)
                .containsExactlyElementsOf(List.of("value-0", "value-1", "value-2", "next"));
    }

    @Test
    void partitionRefusedOnAFullDiskRestartsWithEverythingAcknowledged() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        logs.fill(log, 3);
        channels.diskFull(true);
        log.append(TestBatches.batch(logs.clock.milliseconds(), "lost"), 7, AppendOrigin.CLIENT);

        TestLogs crashed = logs.crashCopy();
        crashed.start();

        assertThat(TestLogs.readAll(crashed.log("orders", 0)))
                .extracting(TestBatches.Entry::value)
                .containsExactly("value-0", "value-1", "value-2");
    }
}
