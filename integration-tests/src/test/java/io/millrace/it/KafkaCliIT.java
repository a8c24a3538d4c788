package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.KafkaCli;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.ProcessResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apache Kafka's own command-line tools, each in a JVM with Kafka's release classpath, work
 * against the broker unchanged: kafka-topics, the console producer and consumer, get-offsets.
 */
class KafkaCliIT {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void kafkaTopicsCreatesListsAndDescribesTopics() {
        ProcessResult created =
                topics("--create", "--topic", "cli-topics", "--partitions", "3", "--replication-factor", "1");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        assertThat(created.stdout()).contains("Created topic cli-topics.");

        ProcessResult qualified = topics("--create", "--topic", "cli-stream:events", "--partitions", "2");
        assertThat(qualified.exitCode()).as(qualified.describe()).isZero();

        ProcessResult listed = topics("--list");
        assertThat(listed.exitCode()).as(listed.describe()).isZero();
        assertThat(listed.stdout().lines()).contains("cli-topics", "cli-stream:events");

        ProcessResult described = topics("--describe", "--topic", "cli-topics");
        assertThat(described.exitCode()).as(described.describe()).isZero();
        assertThat(described.stdout())
                .contains("Topic: cli-topics")
                .contains("PartitionCount: 3")
                .contains("ReplicationFactor: 1");
        for (int p = 0; p < 3; p++) {
            assertThat(described.stdout()).containsPattern("Partition: " + p + "\\s+Leader: \\d+");
        }

        ProcessResult duplicate = topics("--create", "--topic", "cli-topics", "--partitions", "3");
        assertThat(duplicate.exitCode()).as(duplicate.describe()).isNotZero();
        assertThat(duplicate.stdout() + duplicate.stderr()).contains("already exists");
    }

    @Test
    void consoleProducerThenConsoleConsumerRoundTripsLines() {
        String topic = "cli-console";
        ProcessResult created = topics("--create", "--topic", topic, "--partitions", "1");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        List<String> lines = IntStream.range(0, 50)
                .mapToObj(i -> "key-" + i + "\tline " + i + " of the console test")
                .collect(Collectors.toList());

        ProcessResult produced =
                produceKeyedLines(topic, String.join("\n", lines) + "\n", "\t", "--request-required-acks", "all");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();
        assertThat(produced.stderr()).as(produced.describe()).doesNotContain("ERROR");

        ProcessResult consumed = KafkaCli.run(
                KafkaCli.CONSOLE_CONSUMER,
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                topic,
                "--partition",
                "0",
                "--offset",
                "earliest",
                "--max-messages",
                String.valueOf(lines.size()),
                "--timeout-ms",
                "60000",
                "--formatter-property",
                "print.key=true",
                "--formatter-property",
                "key.separator=\t");
        assertThat(consumed.exitCode()).as(consumed.describe()).isZero();
        assertThat(consumed.stdout().lines().collect(Collectors.toList()))
                .as(consumed.describe())
                .containsExactlyElementsOf(lines);
        assertThat(consumed.stderr()).contains("Processed a total of " + lines.size() + " messages");
    }

    @Test
    void getOffsetsReportsEarliestAndLatestOffsetsPerPartition() {
        String topic = "cli-offsets";
        ProcessResult created = topics("--create", "--topic", topic, "--partitions", "2");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        // Keyed lines: the producer's default partitioner hashes keys with murmur2, so where each
        // line goes is known in advance.
        long[] expected = new long[2];
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            String key = "k" + i;
            expected[BuiltInPartitioner.partitionForKey(GeneratedRecords.utf8(key), 2)]++;
            input.append(key).append(':').append("value ").append(i).append('\n');
        }
        ProcessResult produced = produceKeyedLines(topic, input.toString(), ":");
        assertThat(produced.exitCode()).as(produced.describe()).isZero();

        ProcessResult latest = KafkaCli.run(
                KafkaCli.GET_OFFSET_SHELL,
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                topic,
                "--time",
                "latest");
        assertThat(latest.exitCode()).as(latest.describe()).isZero();
        assertThat(latest.stdout().lines().sorted().collect(Collectors.toList()))
                .as(latest.describe())
                .containsExactly(topic + ":0:" + expected[0], topic + ":1:" + expected[1]);

        ProcessResult earliest = KafkaCli.run(
                KafkaCli.GET_OFFSET_SHELL, "--bootstrap-server", broker.bootstrap(), "--topic", topic, "--time", "-2");
        assertThat(earliest.exitCode()).as(earliest.describe()).isZero();
        assertThat(earliest.stdout().lines().sorted().collect(Collectors.toList()))
                .as(earliest.describe())
                .containsExactly(topic + ":0:0", topic + ":1:0");
    }

    /**
     * The console producer writing {@code input} to {@code topic}, a record per line with its key
     * before {@code separator}; {@code options} are further producer options.
     */
    private static ProcessResult produceKeyedLines(String topic, String input, String separator, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                topic,
                "--reader-property",
                "parse.key=true",
                "--reader-property",
                "key.separator=" + separator));
        args.addAll(List.of(options));
        return KafkaCli.run(KafkaCli.DEFAULT_TIMEOUT, input, KafkaCli.CONSOLE_PRODUCER, args.toArray(new String[0]));
    }

    private static ProcessResult topics(String... args) {
        return KafkaCli.runAgainst(broker.bootstrap(), KafkaCli.TOPIC_COMMAND, args);
    }
}
