package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.BrokerLogOnFailure;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.ExternalCommand;
import io.millrace.testing.ProcessResult;
import io.millrace.testing.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code millrace} launcher at the repository root, run the way a user runs it. */
@ExtendWith(BrokerLogOnFailure.class)
class LauncherIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void startRunsTheBuiltBrokerWithoutRebuildingAndStopsCleanlyOnSigterm() throws Exception {
        int registryPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.builder(LauncherIT.class.getSimpleName())
                .viaLauncher()
                .dataDirFromEnvironment()
                .override("no.such.key", "1")
                .override("schema.registry.listeners", "http://" + BrokerProcess.HOST + ":" + registryPort)
                .start()) {
            String log = broker.log();
            assertThat(log).as("launcher output for a fresh build").doesNotContain("Building Millrace");
            assertThat(log).contains("Millrace broker started").contains(broker.bootstrap());
            assertThat(log.lines().filter(line -> line.contains("no.such.key")))
                    .as("the warning about the unknown key")
                    .anyMatch(line -> line.contains("WARN"));
            assertThat(log)
                    .as("schema.registry.* keys belong to the registry extension")
                    .doesNotContain("Unknown configuration key 'schema.registry.listeners'");
            RegistryHttp registry = new RegistryHttp("http://" + BrokerProcess.HOST + ":" + registryPort);
            // the registry extension starts right after the Kafka listener serves
            RegistryHttp.Answer subjects = Await.value(
                    "the registry started by ./millrace start",
                    Duration.ofSeconds(60),
                    () -> registry.get("/subjects"),
                    a -> a != null);
            assertThat(subjects.status())
                    .as("the registry started by ./millrace start")
                    .isEqualTo(200);
            assertThat(subjects.text()).isEqualTo("[]");

            String topic = "launched";
            RecordMetadata written = Clients.sendText(broker.bootstrap(), topic, "hello");
            assertThat(Clients.readText(
                            broker.bootstrap(), new TopicPartition(topic, 0), written.offset(), Duration.ofSeconds(30)))
                    .as("the record written through the launched broker")
                    .isEqualTo("hello");

            broker.stop();
            try (Stream<Path> files = Files.list(broker.dataDir())) {
                assertThat(files.count())
                        .as("entries in the data directory given as MILLRACE_LOG_DIRS")
                        .isPositive();
            }
        }
    }

    @Test
    void startRejectsABadValueWithExitCode2AndAMessageNamingTheKey() throws Exception {
        Path dataDir = Files.createDirectories(TestEnvironment.brokerLogs().resolveSibling("broker-data"))
                .resolve("LauncherIT-bad-value");
        ProcessResult result = launcher(
                "start",
                "--override",
                "listeners=PLAINTEXT://" + BrokerProcess.HOST + ":" + BrokerProcess.freePort(),
                "--override",
                "log.dirs=" + dataDir,
                "--override",
                "num.partitions=zero");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr()).as(result.describe()).contains("num.partitions");
        assertThat(result.stdout() + result.stderr())
                .as(result.describe())
                .doesNotContain("Building Millrace")
                .doesNotContain("Millrace broker started");
    }

    @Test
    void helpPrintsUsageAndAnUnknownCommandFailsWithUsage() {
        ProcessResult help = launcher("help");
        assertThat(help.exitCode()).as(help.describe()).isZero();
        assertThat(help.stdout()).contains("Usage").contains("start");

        ProcessResult unknown = launcher("no-such-command");
        assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no-such-command").contains("Usage");
    }

    @Test
    void registryWithoutBootstrapFailsWithUsage() {
        ProcessResult result = launcher("registry");
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(2);
        assertThat(result.stderr()).contains("--bootstrap").contains("Usage");
    }

    private static ProcessResult launcher(String... args) {
        Path root = TestEnvironment.repoRoot();
        List<String> command = new java.util.ArrayList<>();
        command.add(root.resolve("millrace").toString());
        command.addAll(List.of(args));
        return ExternalCommand.run(command, root, Map.of(), null, COMMAND_TIMEOUT);
    }
}
