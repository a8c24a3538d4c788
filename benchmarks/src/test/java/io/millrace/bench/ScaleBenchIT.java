package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One small run of the scale workload against real Millrace and Apache Kafka processes under
 * {@code ulimit -n 1024}: every step runs on both brokers and the report holds every figure. The
 * figures themselves are for people to read.
 */
class ScaleBenchIT {

    private static final int TOPICS = 200;

    @Test
    void smallScaleRunMeasuresEveryStepOnBothBrokersAndWritesACompleteReport() throws Exception {
        ItRun run = ItRun.fresh("scale");
        ScaleResult result = BenchMain.runScale(
                run.args("--scale", "--topics", Integer.toString(TOPICS), "--seconds", "1", "--timeout", "180"),
                run.progress());

        String console = run.console();
        Path out = run.results();
        assertThat(result.sessions())
                .extracting(ScaleResult.Session::setup)
                .containsExactly(BrokerSetup.KAFKA, BrokerSetup.MILLRACE);
        List<String> missing = new ArrayList<>();
        for (ScaleResult.Session session : result.sessions()) {
            assertThat(session.errors())
                    .as(session.setup().label() + "\n" + console)
                    .isEmpty();
            assertThat(session.figure(ScaleFigure.TOPICS_CREATED)).isEqualTo(TOPICS);
            for (ScaleFigure f : ScaleFigure.values()) {
                if (Double.isNaN(session.figure(f))) {
                    missing.add(session.setup().id() + "/" + f);
                }
            }
            for (ScaleResult.Point p : ScaleResult.Point.values()) {
                for (ScaleResult.Resource r : ScaleResult.Resource.values()) {
                    if (Double.isNaN(session.resource(p, r))) {
                        missing.add(session.setup().id() + "/" + p + "/" + r);
                    }
                }
            }
        }
        assertThat(missing).as("figures without a value\n" + console).isEmpty();

        assertThat(Files.readString(out.resolve("it.md")))
                .contains("## Figures")
                .contains("## Resources")
                .contains("| figure | Kafka 4.3.1 | Millrace | Millrace / Kafka 4.3.1 |");
        JsonNode json = new ObjectMapper().readTree(out.resolve("it.json").toFile());
        assertThat(json.path("mode").asText()).isEqualTo("scale");
        assertThat(json.path("ratios")
                        .path("millrace/kafka")
                        .path("kill9_restart_s")
                        .isNumber())
                .isTrue();
    }
}
