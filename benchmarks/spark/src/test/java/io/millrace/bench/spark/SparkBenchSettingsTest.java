package io.millrace.bench.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SparkBenchSettingsTest {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void optionsOverrideTheDefaults() {
        SparkBenchSettings settings = SparkBenchSettings.parse(
                new String[] {
                    "--records", "2_000",
                    "--sink-records", "500",
                    "--micro-batches", "3",
                    "--warmup", "0",
                    "--workloads", "source-micro-batch,sink-batch",
                    "--connectors", "kafka,millrace-alo",
                    "--out", "out",
                    "--name", "n"
                },
                ROOT);

        assertThat(settings.recordsOf(Workload.SOURCE_MICRO_BATCH)).isEqualTo(2000);
        assertThat(settings.recordsOf(Workload.SINK_BATCH)).isEqualTo(500);
        assertThat(settings.microBatches()).isEqualTo(3);
        assertThat(settings.warmupRecords()).isZero();
        assertThat(settings.workloads()).containsExactly(Workload.SOURCE_MICRO_BATCH, Workload.SINK_BATCH);
        assertThat(settings.out()).isEqualTo(Path.of("/repo/out"));
        assertThat(settings.name()).isEqualTo("n");
        assertThat(settings.recordBytes()).isEqualTo(100);
        assertThat(settings.workDir()).isEqualTo(Path.of("/repo/benchmarks/spark/target/bench-work"));
    }

    @Test
    void theOrderAlternatesAndTheAtLeastOnceVariantOnlyWrites() {
        SparkBenchSettings settings = SparkBenchSettings.parse(new String[0], ROOT);

        assertThat(settings.order(Workload.SOURCE_BATCH, 1)).containsExactly(Connector.MILLRACE, Connector.KAFKA);
        assertThat(settings.order(Workload.SOURCE_BATCH, 2)).containsExactly(Connector.KAFKA, Connector.MILLRACE);
        assertThat(settings.order(Workload.SINK_STREAMING, 1))
                .containsExactly(Connector.MILLRACE, Connector.MILLRACE_AT_LEAST_ONCE, Connector.KAFKA);
        assertThat(settings.order(Workload.SINK_STREAMING, 2))
                .containsExactly(Connector.KAFKA, Connector.MILLRACE_AT_LEAST_ONCE, Connector.MILLRACE);
        assertThat(Connector.MILLRACE_AT_LEAST_ONCE.sinkOptions()).containsEntry("deliveryGuarantee", "at-least-once");
        assertThat(Connector.MILLRACE.sinkOptions()).isEmpty();
    }

    @Test
    void badValuesAreRejectedWithTheOptionNamed() {
        assertThatThrownBy(() -> SparkBenchSettings.parse(new String[] {"--records", "0"}, ROOT))
                .hasMessageContaining("--records must be positive");
        assertThatThrownBy(() -> SparkBenchSettings.parse(new String[] {"--record-bytes", "4"}, ROOT))
                .hasMessageContaining("at least 8");
        assertThatThrownBy(() -> SparkBenchSettings.parse(new String[] {"--workloads", "sink"}, ROOT))
                .hasMessageContaining("No workload sink");
        assertThatThrownBy(() -> SparkBenchSettings.parse(new String[] {"--rounds"}, ROOT))
                .hasMessageContaining("missing value");
    }
}
