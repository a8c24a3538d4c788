package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An exactly-once copy job while the broker is killed with SIGKILL in the middle of the copy and
 * started again: the job's clients reconnect (or the job fails and restores, as often as it must),
 * pre-committed transactions are committed after the broker is back, and a {@code read_committed}
 * reader sees every input once.
 */
class MillraceSinkBrokerRestartIT {

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final int BEFORE = 20_000;
    private static final int AFTER = 2_000;

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    static final MiniClusterExtension flink = SinkTestClusters.extension();

    @Test
    void aBrokerKilledDuringAnExactlyOnceCopyLosesAndDuplicatesNothing() throws Exception {
        Clients.createTopic(broker.bootstrap(), "kill-in", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "kill-out", 2, Map.of());
        List<String> input = new ArrayList<>(CopyJobs.writeInput(broker.bootstrap(), "kill-in", "k", 0, BEFORE));

        // restarts keep coming while the broker is down; each waits a little
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                CopyJobs.configuration(Duration.ofMillis(200), 100, Duration.ofMillis(500)));
        env.setParallelism(2);
        CopyJobs.input(env, broker.bootstrap(), "kill-in")
                .sinkTo(CopyJobs.sink(
                        broker.bootstrap(), "kill-out", DeliveryGuarantee.EXACTLY_ONCE, "kill", new Properties()));
        JobClient job = env.executeAsync("copy through a broker kill");
        try (CopyJobs.CommittedOutput output = new CopyJobs.CommittedOutput(broker.bootstrap(), "kill-out", 2)) {
            int committedBeforeKill =
                    Await.value("a first commit", DEADLINE, () -> output.poll().size(), n -> n > 0);
            broker.kill9();
            broker.restart();
            input.addAll(CopyJobs.writeInput(broker.bootstrap(), "kill-in", "k", BEFORE, AFTER));
            assertThat(committedBeforeKill)
                    .as("the broker was killed in the middle of the copy")
                    .isLessThan(BEFORE);
            output.awaitAll(input, DEADLINE);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        CopyJobs.assertEveryInputOnce(broker.bootstrap(), "kill-out", 2, input);
    }
}
