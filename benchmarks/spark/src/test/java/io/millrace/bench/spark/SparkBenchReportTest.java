package io.millrace.bench.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparkBenchReportTest {

    private static final SparkBenchSettings SETTINGS = SparkBenchSettings.parse(
            new String[] {"--records", "1000", "--sink-records", "100", "--workloads", "source-batch,sink-batch"},
            Path.of("/repo"));

    private static final List<BenchRun> RUNS = List.of(
            source(Connector.MILLRACE, 1, 1000),
            source(Connector.KAFKA, 1, 2000),
            source(Connector.KAFKA, 2, 4000),
            source(Connector.MILLRACE, 2, 500),
            source(Connector.MILLRACE, 3, 250),
            source(Connector.KAFKA, 3, 1000),
            new BenchRun(Connector.KAFKA, Workload.SINK_BATCH, 1, 100, -1, 100, 10, 10, 100, 99, null),
            BenchRun.failed(Connector.MILLRACE, Workload.SINK_BATCH, 1, "no sink"));

    private final SparkBenchReport report = new SparkBenchReport(SETTINGS, List.of("a machine"), RUNS);

    private static BenchRun source(Connector connector, int round, long millis) {
        return new BenchRun(connector, Workload.SOURCE_BATCH, round, 1000, 100_000, millis, 500, 100, -1, -1, null);
    }

    @Test
    void theRatioIsOfTheMediansOverTheRounds() {
        SparkBenchReport.Summary millrace =
                report.summary(Workload.SOURCE_BATCH, Connector.MILLRACE).orElseThrow();

        assertThat(millrace.median()).isEqualTo(2000.0);
        assertThat(millrace.rowsPerSecond()).containsExactly(1000.0, 2000.0, 4000.0);
        assertThat(millrace.spread()).isCloseTo((4000.0 - 1000.0) / 2000.0, within(1e-9));
        assertThat(millrace.driverCpuMicrosPerRow()).isEqualTo(500.0);
        assertThat(millrace.allComplete()).isTrue();
        assertThat(report.ratio(Workload.SOURCE_BATCH, Connector.MILLRACE))
                .hasValueSatisfying(r -> assertThat(r).isCloseTo(2000.0 / 500.0, within(1e-9)));
    }

    @Test
    void aSinkIsCompleteOnlyWithEveryRowCommittedOnceAndAFailedRunHasNoFigure() {
        assertThat(report.summary(Workload.SINK_BATCH, Connector.KAFKA)
                        .orElseThrow()
                        .allComplete())
                .isFalse();
        assertThat(report.summary(Workload.SINK_BATCH, Connector.MILLRACE)).isEmpty();
        assertThat(report.ratio(Workload.SINK_BATCH, Connector.MILLRACE)).isEmpty();
        assertThat(report.markdown())
                .contains("| source-batch | millrace | 2,000 | **4.00** | 1,000, 2,000, 4,000 | 150 % |")
                .contains("| sink-batch | kafka | 1,000 |  | 1,000 | 0 % | 100.00 | 100.00 | **NO** | 0 |")
                .contains("| sink-batch | millrace | – | – | – | – | – | – | – | 1 |")
                .contains("- a machine")
                .contains("- round 1, sink-batch, millrace: no sink");
    }

    @Test
    void theJsonHoldsTheSummaryAndEveryRun() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report.json());

        JsonNode source = json.get("workloads").get(0);
        assertThat(source.get("workload").asText()).isEqualTo("source-batch");
        assertThat(source.get("millrace").get("ratioToKafka").asDouble()).isCloseTo(4.0, within(1e-9));
        assertThat(source.get("kafka").get("medianRowsPerSecond").asDouble()).isEqualTo(500.0);
        assertThat(source.get("kafka").has("ratioToKafka")).isFalse();
        assertThat(json.get("settings").get("records").asLong()).isEqualTo(1000);
        assertThat(json.get("runs")).hasSize(RUNS.size());
        assertThat(json.get("runs").get(RUNS.size() - 1).get("failure").asText())
                .isEqualTo("no sink");
    }
}
