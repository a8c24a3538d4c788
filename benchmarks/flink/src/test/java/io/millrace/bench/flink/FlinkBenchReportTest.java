package io.millrace.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlinkBenchReportTest {

    private static final FlinkBenchSettings SETTINGS = FlinkBenchSettings.parse(
            new String[] {"--records", "1000", "--sink-records", "100", "--workloads", "source,sink-exactly-once"},
            Path.of("/repo"));

    private static final List<JobRun> RUNS = List.of(
            new JobRun(Connector.MILLRACE, Workload.SOURCE, 1, 1000, 1000, 500, 100, -1, -1, null),
            new JobRun(Connector.STOCK, Workload.SOURCE, 1, 1000, 2000, 500, 100, -1, -1, null),
            new JobRun(Connector.STOCK, Workload.SOURCE, 2, 1000, 4000, 500, 100, -1, -1, null),
            new JobRun(Connector.MILLRACE, Workload.SOURCE, 2, 1000, 500, 500, 100, -1, -1, null),
            new JobRun(Connector.MILLRACE, Workload.SOURCE, 3, 1000, 250, 500, 100, -1, -1, null),
            new JobRun(Connector.STOCK, Workload.SOURCE, 3, 1000, 1000, 500, 100, -1, -1, null),
            new JobRun(Connector.MILLRACE, Workload.SINK_EXACTLY_ONCE, 1, 100, 100, 10, 10, 100, 100, null),
            new JobRun(Connector.STOCK, Workload.SINK_EXACTLY_ONCE, 1, 100, 100, 10, 10, 100, 99, null),
            JobRun.failed(Connector.STOCK, Workload.SINK_EXACTLY_ONCE, 2, "exit code 1, it broke"));

    private final FlinkBenchReport report = new FlinkBenchReport(SETTINGS, List.of("a machine"), RUNS);

    @Test
    void theRatioIsOfTheMediansOverTheRounds() {
        FlinkBenchReport.Summary millrace =
                report.summary(Workload.SOURCE, Connector.MILLRACE).orElseThrow();

        assertThat(millrace.medianPerSecond()).isEqualTo(2000.0);
        assertThat(millrace.spread()).isCloseTo((4000.0 - 1000.0) / 2000.0, within(1e-9));
        assertThat(millrace.jobCpuMicrosPerRecord()).isEqualTo(500.0);
        assertThat(report.ratio(Workload.SOURCE))
                .hasValueSatisfying(r -> assertThat(r).isCloseTo(2000.0 / 500.0, within(1e-9)));
    }

    @Test
    void aSinkIsCompleteOnlyWithEveryRecordCommittedOnce() {
        assertThat(report.summary(Workload.SINK_EXACTLY_ONCE, Connector.MILLRACE)
                        .orElseThrow()
                        .allComplete())
                .isTrue();
        assertThat(report.summary(Workload.SINK_EXACTLY_ONCE, Connector.STOCK)
                        .orElseThrow()
                        .allComplete())
                .isFalse();
        assertThat(report.markdown())
                .contains("**NO**")
                .contains("| **4.00** |")
                .contains("- a machine")
                .contains("- round 2, sink-exactly-once, stock: exit code 1, it broke");
        assertThat(report.summary(Workload.SINK_EXACTLY_ONCE, Connector.STOCK)
                        .orElseThrow()
                        .failedJobs())
                .isEqualTo(1);
    }

    @Test
    void theJsonHoldsTheSummaryAndEveryRun() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report.json());

        JsonNode source = json.get("workloads").get(0);
        assertThat(source.get("workload").asText()).isEqualTo("source");
        assertThat(source.get("ratio").asDouble()).isCloseTo(4.0, within(1e-9));
        assertThat(source.get("millrace").get("medianRecordsPerSecond").asDouble())
                .isEqualTo(2000.0);
        assertThat(json.get("settings").get("records").asLong()).isEqualTo(1000);
        assertThat(json.get("runs")).hasSize(RUNS.size());
        JsonNode failed = json.get("runs").get(RUNS.size() - 1);
        assertThat(failed.get("failure").asText()).isEqualTo("exit code 1, it broke");
        assertThat(json.get("runs").get(0).get("failure").isNull()).isTrue();
    }
}
