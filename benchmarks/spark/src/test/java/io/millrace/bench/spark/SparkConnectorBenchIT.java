package io.millrace.bench.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.TestEnvironment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny run of the benchmark against a real broker, Spark {@code local[2]} in this JVM: every
 * workload runs for every connector and handles every row, except our sink's runs while the build's
 * connector cannot write, which must say so; every source has a ratio. Asserts nothing about the
 * figures.
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

        assertThat(report.runs()).hasSize(2 + 2 + 3 + 3).allSatisfy(run -> {
            String cannotWrite = run.workload().id() + ": " + SparkConnectorBench.MILLRACE_CANNOT_WRITE;
            boolean millraceCannotWrite = report.environment().stream().anyMatch(line -> line.startsWith(cannotWrite));
            if (run.workload().isSink() && run.connector().isMillrace() && millraceCannotWrite) {
                assertThat(run.failure()).as("%s", run).startsWith(SparkConnectorBench.MILLRACE_CANNOT_WRITE);
            } else {
                assertThat(run.complete(settings.recordsOf(run.workload()), settings.recordBytes()))
                        .as("%s", run)
                        .isTrue();
            }
        });
        assertThat(report.ratio(Workload.SOURCE_BATCH, Connector.MILLRACE)).isPresent();
        assertThat(report.ratio(Workload.SOURCE_MICRO_BATCH, Connector.MILLRACE))
                .isPresent();
        assertThat(report.markdown()).contains("| sink-batch | kafka |");
    }
}
