package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.Kcat;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.ProcessResult;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kcat (librdkafka) lists metadata, produces and consumes against the broker. */
class KcatIT {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void metadataListingShowsTheBrokerAndItsTopics() {
        Clients.createTopic(broker.bootstrap(), "kcat-listed", 3, java.util.Map.of());

        ProcessResult listed = Kcat.run("-b", broker.bootstrap(), "-L");

        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.stdout())
                .as(listed.describe())
                .contains("1 brokers:")
                .containsPattern("broker \\d+ at " + BrokerProcess.HOST.replace(".", "\\.") + ":" + broker.port())
                .contains("topic \"kcat-listed\" with 3 partitions:");
        for (int p = 0; p < 3; p++) {
            assertThat(listed.stdout()).containsPattern("partition " + p + ", leader \\d+, replicas: \\d+, isrs: \\d+");
        }
    }

    @Test
    void producedLinesAreConsumedBackWithKeysInOrder() {
        String topic = "kcat-round-trip";
        Clients.createTopic(broker.bootstrap(), topic, 2, java.util.Map.of());
        List<String> lines = IntStream.range(0, 100)
                .mapToObj(i -> "key" + i + "=value number " + i)
                .collect(Collectors.toList());

        ProcessResult produced = Kcat.runWithInput(
                String.join("\n", lines) + "\n",
                "-b",
                broker.bootstrap(),
                "-P",
                "-t",
                topic,
                "-p",
                "1",
                "-K",
                "=",
                "-X",
                "acks=all");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();

        ProcessResult consumed = Kcat.run(
                "-b",
                broker.bootstrap(),
                "-C",
                "-t",
                topic,
                "-p",
                "1",
                "-o",
                "beginning",
                "-e",
                "-q",
                "-f",
                "%k=%s@%o\\n");
        assertThat(consumed.exitCode()).as(consumed.describe()).isZero();
        List<String> expected = IntStream.range(0, lines.size())
                .mapToObj(i -> lines.get(i) + "@" + i)
                .collect(Collectors.toList());
        assertThat(consumed.stdout().lines().collect(Collectors.toList()))
                .as(consumed.describe())
                .containsExactlyElementsOf(expected);

        ProcessResult empty =
                Kcat.run("-b", broker.bootstrap(), "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q");
        assertThat(empty.exitCode()).as(empty.describe()).isZero();
        assertThat(empty.stdout())
                .as("partition 0, which nothing was written to")
                .isEmpty();
    }

    @Test
    void producesToAndConsumesFromAStreamQualifiedTopic() {
        String topic = "kcat-stream:events";
        Clients.createTopic(broker.bootstrap(), topic, 1, java.util.Map.of());

        ProcessResult produced =
                Kcat.runWithInput("first\nsecond\nthird\n", "-b", broker.bootstrap(), "-P", "-t", topic);
        assertThat(produced.exitCode()).as(produced.describe()).isZero();

        ProcessResult consumed =
                Kcat.run("-b", broker.bootstrap(), "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q");
        assertThat(consumed.exitCode()).as(consumed.describe()).isZero();
        assertThat(consumed.stdout().lines().collect(Collectors.toList())).containsExactly("first", "second", "third");
    }
}
