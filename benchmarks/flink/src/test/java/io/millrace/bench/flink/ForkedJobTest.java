package io.millrace.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForkedJobTest {

    @Test
    void theResultLineOfAJobIsParsed() {
        assertThat(ForkedJob.parse("RESULT records=5 millis=6 cpuMillis=7")).isEqualTo(new ForkedJob.Result(5, 6, 7));
    }

    @Test
    void aFailedJobIsExplainedByTheFirstRootCauseThatIsNotFlinksOwn() {
        List<String> output = List.of(
                "12:00:00.000 WARN  checkpoint declined",
                "org.apache.flink.runtime.checkpoint.CheckpointException: declined",
                "\tat org.apache.flink.Some.method(Some.java:1)",
                "Caused by: org.apache.flink.util.FlinkRuntimeException: Task has failed.",
                "12:00:00.001 ERROR task failed",
                "java.lang.Exception: Could not perform checkpoint 6",
                "\tat org.apache.flink.Some.method(Some.java:1)",
                "Caused by: java.io.IOException: Writing to the broker failed",
                "\t... 3 more",
                "Caused by: org.apache.kafka.common.errors.OutOfOrderSequenceException: got 296, expected 148",
                "\tat org.apache.kafka.Some.method(Some.java:1)",
                "Exception in thread \"main\" org.apache.flink.runtime.client.JobExecutionException: failed",
                "Caused by: org.apache.flink.util.FlinkExpectedException: The TaskExecutor is shutting down.");

        assertThat(ForkedJob.cause(output))
                .isEqualTo("org.apache.kafka.common.errors.OutOfOrderSequenceException: got 296, expected 148");
        assertThat(ForkedJob.cause(
                        List.of("Caused by: org.apache.flink.A: a", "x", "Caused by: org.apache.flink.B: b")))
                .isEqualTo("org.apache.flink.B: b");
    }
}
