package io.millrace.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FlinkBenchSettingsTest {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void optionsOverrideTheDefaults() {
        FlinkBenchSettings settings = FlinkBenchSettings.parse(
                new String[] {
                    "--records",
                    "1_000",
                    "--sink-records",
                    "500",
                    "--workloads",
                    "source,sink-exactly-once",
                    "--connectors",
                    "stock",
                    "--jvm-opts",
                    "-Xmx2g -XX:+UseParallelGC",
                    "--jfr",
                    "--out",
                    "out",
                    "--name",
                    "n",
                    "--producer-property",
                    "linger.ms=10",
                    "--producer-property",
                    "acks=all"
                },
                ROOT);

        assertThat(settings.records()).isEqualTo(1000);
        assertThat(settings.recordsOf(Workload.SINK_EXACTLY_ONCE)).isEqualTo(500);
        assertThat(settings.recordsOf(Workload.SOURCE)).isEqualTo(1000);
        assertThat(settings.workloads()).containsExactly(Workload.SOURCE, Workload.SINK_EXACTLY_ONCE);
        assertThat(settings.connectors()).containsExactly(Connector.STOCK);
        assertThat(settings.jobJvmFlags()).containsExactly("-Xmx2g", "-XX:+UseParallelGC");
        assertThat(settings.jfr()).isTrue();
        assertThat(settings.producerProperties()).containsExactly("linger.ms=10", "acks=all");
        assertThat(settings.out()).isEqualTo(Path.of("/repo/out"));
        assertThat(settings.name()).isEqualTo("n");
        assertThat(settings.partitions()).isEqualTo(8);
        assertThat(settings.parallelism()).isEqualTo(2);
    }

    @Test
    void theConnectorsTakeTurnsAtGoingFirst() {
        FlinkBenchSettings settings = FlinkBenchSettings.parse(new String[0], ROOT);

        assertThat(settings.order(1)).containsExactly(Connector.MILLRACE, Connector.STOCK);
        assertThat(settings.order(2)).containsExactly(Connector.STOCK, Connector.MILLRACE);
        assertThat(settings.order(3)).containsExactly(Connector.MILLRACE, Connector.STOCK);
    }

    @Test
    void aWrongOptionIsNamed() {
        assertThatThrownBy(() -> FlinkBenchSettings.parse(new String[] {"--rounds", "0"}, ROOT))
                .hasMessageContaining("--rounds must be positive");
        assertThatThrownBy(() -> FlinkBenchSettings.parse(new String[] {"--workloads", "sink"}, ROOT))
                .hasMessageContaining("No workload sink");
        assertThatThrownBy(() -> FlinkBenchSettings.parse(new String[] {"--producer-property", "=1"}, ROOT))
                .hasMessageContaining("takes key=value");
        assertThatThrownBy(() -> FlinkBenchSettings.parse(new String[] {"--speed"}, ROOT))
                .hasMessageContaining("--speed");
    }
}
