package io.millrace.bench.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.TestEnvironment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny run of the benchmark against a real broker, Spark {@code local[2]} in this JVM: every
 * workload runs for every connector and handles every row; every workload has a ratio. Asserts
 * nothing about the figures.
 */
class SparkConnectorBenchIT {

    @TempDir
    Path dir;

    @Test
    void everyWorkloadRunsForEveryConnector() throws Exception {
        SparkBenchSettings settings = SparkBenchSettings.parse(
                new String[] {
                    "--records", "400",
                    "--sink-records", "400",
                    "--warmup", "40",
                    "--rounds", "1",
                    "--out", dir.toString(),
                    "--work", dir.resolve("work").toString()
                },
                TestEnvironment.repoRoot());

        SparkBenchReport report = SparkConnectorBench.run(settings);

        assertThat(report.runs())
                .hasSize(2 + 2 + 3 + 3)
                .allSatisfy(run -> assertThat(run.complete(settings.recordsOf(run.workload()), settings.recordBytes()))
                        .as("%s", run)
                        .isTrue());
        for (Workload workload : Workload.values()) {
            assertThat(report.ratio(workload, Connector.MILLRACE))
                    .as("%s", workload)
                    .isPresent();
        }
        assertThat(report.markdown()).contains("| sink-batch | kafka |");
    }
}
