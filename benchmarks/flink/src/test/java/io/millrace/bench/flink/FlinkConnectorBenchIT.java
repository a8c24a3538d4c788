package io.millrace.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.TestEnvironment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny run of the benchmark against a real broker: every workload runs for both connectors
 * (the stock one on its own kafka-clients), every job handles every record and the report has a
 * ratio for every workload. Asserts nothing about the figures.
 */
class FlinkConnectorBenchIT {

    @TempDir
    Path dir;

    @Test
    void everyWorkloadRunsForBothConnectors() throws Exception {
        FlinkBenchSettings settings = FlinkBenchSettings.parse(
                new String[] {
                    "--records",
                    "400",
                    "--sink-records",
                    "400",
                    "--rounds",
                    "1",
                    // the broker may append pipelined transactional produces out of order
                    // (benchmarks/README.md, "Flink connector benchmark"); this test checks the wiring
                    "--producer-property",
                    "max.in.flight.requests.per.connection=1",
                    "--out",
                    dir.toString(),
                    "--work",
                    dir.resolve("work").toString()
                },
                TestEnvironment.repoRoot());

        FlinkBenchReport report = FlinkConnectorBench.run(settings);

        assertThat(report.runs())
                .hasSize(6)
                .allSatisfy(run -> assertThat(run.complete(settings.recordsOf(run.workload())))
                        .as("%s", run)
                        .isTrue());
        for (Workload workload : Workload.values()) {
            assertThat(report.ratio(workload)).as(workload.id()).isPresent();
        }
    }
}
