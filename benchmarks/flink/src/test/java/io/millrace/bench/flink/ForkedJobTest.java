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
    void aFailedJobIsExplainedByTheFirstCauseFlinkDidNotWrap() {
        List<String> output = List.of(
                "Caused by: org.apache.flink.util.FlinkRuntimeException: Failed to send data",
                "\tat org.apache.flink.Some.method(Some.java:1)",
                "Caused by: org.apache.kafka.common.errors.OutOfOrderSequenceException: got 296, expected 148",
                "Caused by: org.apache.flink.util.FlinkExpectedException: The TaskExecutor is shutting down.");

        assertThat(ForkedJob.cause(output))
                .isEqualTo("org.apache.kafka.common.errors.OutOfOrderSequenceException: got 296, expected 148");
        assertThat(ForkedJob.cause(List.of("Caused by: org.apache.flink.A: a", "Caused by: org.apache.flink.B: b")))
                .isEqualTo("org.apache.flink.B: b");
    }
}
