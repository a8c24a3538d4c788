package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleReportTest {

    @Test
    void ratiosAppearOnlyWhereBothBrokersHaveTheFigureAndErrorsSayWhereABrokerStopped() throws Exception {
        ScaleResult result = result(100_000, 1024);

        String markdown = ScaleReport.markdown(result);

        assertThat(markdown)
                .contains("| topics created before an error (of 100,000) | 1,000 | 100,000 | 100.00× |")
                .contains("| clean shutdown (SIGTERM to exit), s | n/a | 8 | n/a |")
                .contains("| with 10 topics: open file descriptors | 150 | 120 | 0.80× |")
                .contains("| after the clean restart: threads | n/a | 31 | n/a |")
                .contains(
                        "- **Kafka 4.3.1**: \n  - create 100000 topics: stopped after 1000 topics: Too many open files")
                .contains("- **Millrace**: none; every step ran.");
        JsonNode json = new ObjectMapper().readTree(ScaleReport.json(result));
        assertThat(json.path("settings").path("topics").asInt()).isEqualTo(100_000);
        assertThat(json.path("brokers")).hasSize(2);
        assertThat(json.path("brokers")
                        .path(0)
                        .path("figures")
                        .path("clean_shutdown_s")
                        .isNull())
                .isTrue();
        assertThat(json.path("brokers")
                        .path(1)
                        .path("resources")
                        .path("after_kill9_restart")
                        .path("live_heap_mb")
                        .asDouble())
                .isEqualTo(900.0);
        assertThat(json.path("ratios")
                        .path("millrace/kafka")
                        .path("ten_topics/open_files")
                        .asDouble())
                .isEqualTo(0.8);
        assertThat(json.path("brokers").path(0).path("errors").path(0).asText()).startsWith("create 100000 topics");
    }

    @Test
    void theIssuesTargetsAreJudgedOnlyAt100000TopicsUnderALimitOf1024() {
        assertThat(ScaleReport.markdown(result(100_000, 1024)))
                .contains("| every topic created | 100,000 | yes |")
                .contains("| created in under 100 s | 80 s | yes |")
                .contains("| ready after kill -9 in under 10 s | 12 s | no |")
                .contains("| live heap under 2 GB | 1,500 MB | yes |");
        assertThat(ScaleReport.markdown(result(2_000, 1024)))
                .contains("the targets are shown, not judged")
                .contains("| ready after kill -9 in under 10 s | 12 s | — |");
        assertThat(ScaleReport.markdown(result(100_000, 20_000))).contains("the targets are shown, not judged");
    }

    /** Kafka stopped creating topics at 1,000 and ran nothing after; Millrace ran every step. */
    private static ScaleResult result(int topics, int openFileLimit) {
        ScaleSettings.Builder b = new ScaleSettings.Builder(Path.of("out"), Path.of("work"));
        b.topics = topics;
        b.openFileLimit = openFileLimit;
        b.name = "test";
        b.produceDuration = Duration.ofSeconds(10);
        Map<ScaleFigure, Double> kafka = new EnumMap<>(ScaleFigure.class);
        kafka.put(ScaleFigure.TOPICS_CREATED, 1_000.0);
        Map<ScaleFigure, Double> millrace = new EnumMap<>(ScaleFigure.class);
        for (ScaleFigure f : ScaleFigure.values()) {
            millrace.put(f, 2.0);
        }
        millrace.put(ScaleFigure.TOPICS_CREATED, (double) topics);
        millrace.put(ScaleFigure.CREATE_S, 80.0);
        millrace.put(ScaleFigure.CLEAN_SHUTDOWN_S, 8.0);
        millrace.put(ScaleFigure.KILL9_RESTART_S, 12.0);
        Map<ScaleResult.Point, Map<ScaleResult.Resource, Double>> millraceHeld = new EnumMap<>(ScaleResult.Point.class);
        for (ScaleResult.Point p : ScaleResult.Point.values()) {
            millraceHeld.put(
                    p,
                    Map.of(
                            ScaleResult.Resource.OPEN_FILES, 120.0,
                            ScaleResult.Resource.THREADS, 31.0,
                            ScaleResult.Resource.RSS_MB, 300.0,
                            ScaleResult.Resource.LIVE_HEAP_MB, p == ScaleResult.Point.ALL_TOPICS ? 1_500.0 : 900.0));
        }
        return new ScaleResult(
                b.build(),
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:30:00Z"),
                List.of(
                        new ScaleResult.Session(
                                BrokerSetup.KAFKA,
                                kafka,
                                Map.of(ScaleResult.Point.TEN_TOPICS, Map.of(ScaleResult.Resource.OPEN_FILES, 150.0)),
                                List.of("create 100000 topics: stopped after 1000 topics: Too many open files")),
                        new ScaleResult.Session(BrokerSetup.MILLRACE, millrace, millraceHeld, List.of())));
    }
}
