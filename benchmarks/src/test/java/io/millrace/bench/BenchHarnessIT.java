package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * One {@code --quick} run of the harness against real Millrace and Apache Kafka processes. It
 * proves that the harness starts both brokers, drives every workload and writes a complete,
 * well-formed report; it asserts nothing about the figures themselves (those depend on the
 * machine and are for people to read, not for CI to judge).
 */
class BenchHarnessIT {

    @Test
    void quickRunWritesACompleteMarkdownJsonAndPngReport() throws Exception {
        ItRun run = ItRun.fresh("quick");
        Path out = run.results();
        BenchResult result = BenchMain.run(run.args("--quick"), run.progress());

        assertThat(result.measurements())
                .as(run.console())
                .hasSize(Workload.values().length * BenchSettings.DEFAULT_BROKERS.size());

        String markdown = Files.readString(out.resolve("it.md"));
        for (Workload w : Workload.values()) {
            assertThat(markdown).contains("## " + w.title());
        }
        for (BrokerSetup b : BenchSettings.DEFAULT_BROKERS) {
            assertThat(markdown).contains("| " + b.label() + " |");
        }
        assertThat(markdown)
                .contains("## Targets")
                .contains("![End-to-end latency percentile distribution](it-latency.png)");

        JsonNode json = new ObjectMapper().readTree(out.resolve("it.json").toFile());
        assertThat(json.path("mode").asText()).isEqualTo("quick");
        assertThat(json.path("workloads")).hasSize(Workload.values().length);
        List<String> missing = new ArrayList<>();
        for (JsonNode workload : json.path("workloads")) {
            for (JsonNode figure : workload.path("figures")) {
                for (BrokerSetup b : BenchSettings.DEFAULT_BROKERS) {
                    if (!figure.path("median").path(b.id()).isNumber()) {
                        missing.add(workload.path("id").asText() + "/"
                                + figure.path("figure").asText() + "/" + b.id());
                    }
                }
                assertThat(figure.path("ratio").path("millrace/kafka").isNumber())
                        .isTrue();
            }
            for (String resource : List.of("harness_cpu_cores", "kernel_cpu_cores", "other_processes_cpu_cores")) {
                for (BrokerSetup b : BenchSettings.DEFAULT_BROKERS) {
                    assertThat(workload.path(resource).path(b.id()).path(0).isNumber())
                            .as(
                                    "%s of %s in %s",
                                    resource, b.id(), workload.path("id").asText())
                            .isTrue();
                }
            }
            if (workload.path("id").asText().startsWith("latency")) {
                for (BrokerSetup b : BenchSettings.DEFAULT_BROKERS) {
                    assertThat(workload.path("merged_latency_ms")
                                    .path(b.id())
                                    .path("count")
                                    .asLong())
                            .as(
                                    "latency samples of %s in %s",
                                    b.id(), workload.path("id").asText())
                            .isPositive();
                }
            }
        }
        assertThat(missing).as("figures without a median").isEmpty();

        BufferedImage chart = ImageIO.read(out.resolve("it-latency.png").toFile());
        assertThat(chart).isNotNull();
        assertThat(chart.getWidth()).isEqualTo(1400);
        assertThat(chart.getHeight()).isEqualTo(560);
    }
}
