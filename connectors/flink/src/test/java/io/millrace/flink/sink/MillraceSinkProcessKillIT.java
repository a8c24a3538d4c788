package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.RetainedCheckpoints;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink process itself killed with SIGKILL in the middle of an exactly-once copy: no cancel, no
 * close, a transaction open and pre-committed ones maybe not yet committed. A new process restored
 * from the last retained checkpoint commits what the checkpoint pre-committed, aborts what the dead
 * process left open, and a {@code read_committed} reader sees every input once, with nothing
 * holding it back.
 */
class MillraceSinkProcessKillIT {

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final int BEFORE = 20_000;
    private static final int AFTER = 2_000;

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void committedOutputHoldsEachInputOnceAfterTheFlinkProcessIsKilled9(@TempDir Path checkpoints) throws Exception {
        Clients.createTopic(broker.bootstrap(), "jvm-kill-in", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "jvm-kill-out", 2, Map.of());
        List<String> input = new ArrayList<>(CopyJobs.writeInput(broker.bootstrap(), "jvm-kill-in", "j", 0, BEFORE));

        try (CopyJobs.CommittedOutput output = new CopyJobs.CommittedOutput(broker.bootstrap(), "jvm-kill-out", 2)) {
            CompletableFuture<String> firstJob = new CompletableFuture<>();
            TestJvm first = startCopyJob("first-copy-jvm", checkpoints, null, firstJob);
            String jobId = Await.value("the first job's id", DEADLINE, () -> firstJob.getNow(null), id -> id != null);
            int committedBeforeKill =
                    Await.value("a first commit", DEADLINE, () -> output.poll().size(), n -> n > 0);
            Await.until(
                    "a retained checkpoint",
                    DEADLINE,
                    () -> RetainedCheckpoints.latest(checkpoints, jobId).isPresent());
            first.kill9();
            assertThat(committedBeforeKill)
                    .as("the process was killed in the middle of the copy")
                    .isLessThan(BEFORE);

            Path restore = RetainedCheckpoints.latest(checkpoints, jobId).orElseThrow();
            TestJvm second = startCopyJob("restored-copy-jvm", checkpoints, restore, new CompletableFuture<>());
            input.addAll(CopyJobs.writeInput(broker.bootstrap(), "jvm-kill-in", "j", BEFORE, AFTER));
            try {
                output.awaitAll(input, DEADLINE);
                Await.until(
                        "no transaction holding back read_committed readers of the output",
                        DEADLINE,
                        MillraceSinkProcessKillIT::outputIsStable);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + second.stderrTail(), e);
            }
        }

        CopyJobs.assertEveryInputOnce(broker.bootstrap(), "jvm-kill-out", 2, input);
    }

    private static TestJvm startCopyJob(String name, Path checkpoints, Path restore, CompletableFuture<String> jobId) {
        List<String> args = new ArrayList<>(
                List.of(broker.bootstrap(), "jvm-kill-in", "jvm-kill-out", "jvm-kill", checkpoints.toString()));
        if (restore != null) {
            args.add(restore.toUri().toString());
        }
        return broker.startJvm(name, CopyJobMain.class, args, line -> {
            if (line.startsWith("JOB ")) {
                jobId.complete(line.substring(4));
            }
        });
    }

    /** Whether every output partition's last stable offset is its end. */
    private static boolean outputIsStable() {
        for (TopicPartition partition : CopyJobs.partitions("jvm-kill-out", 2)) {
            if (CopyJobs.endOffset(broker.admin(), partition, IsolationLevel.READ_COMMITTED)
                    != CopyJobs.endOffset(broker.admin(), partition, IsolationLevel.READ_UNCOMMITTED)) {
                return false;
            }
        }
        return true;
    }
}
