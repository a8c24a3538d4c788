package io.millrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The fixture as a test class uses it, run through JUnit's test kit so that its outcome can be
 * checked: {@link SampleTests} registers one {@link MillraceBroker} for its two tests, one of which
 * kills and restarts the broker and finds its data again, the other fails on purpose.
 */
class MillraceBrokerIT {

    @Test
    void brokerKeepsDataAcrossKill9StopsCleanlyAndAFailedTestGetsItsLog() throws IOException {
        Path target = Files.createDirectories(TestEnvironment.brokerLogs().getParent());
        Path reports = Files.createTempDirectory(target, "fixture-it-reports-");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream originalStderr = System.err;
        EngineExecutionResults results;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(SampleTests.class))
                    .outputDirectoryCreator(new DirectoryPerTest(reports))
                    .execute();
        } finally {
            System.setErr(originalStderr);
        }
        String printed = stderr.toString(StandardCharsets.UTF_8);
        System.err.print(printed);

        results.testEvents()
                .assertThatEvents()
                .haveExactly(1, event(test("keepsAcknowledgedRecordsAcrossKill9AndRestart"), finishedSuccessfully()))
                .haveExactly(1, event(test("failsOnPurpose"), finishedWithFailure()));
        results.containerEvents()
                .assertThatEvents()
                .as("the class's broker stopped with exit code 0 after its tests")
                .haveExactly(1, event(container(SampleTests.class), finishedSuccessfully()));
        assertThat(SampleTests.dataDir)
                .as("the broker's data directory after the class")
                .doesNotExist();

        List<Event> published = results.allEvents().fileEntryPublished().list();
        assertThat(published)
                .as("log files attached to the report")
                .hasSize(2)
                .allSatisfy(
                        e -> assertThat(e.getTestDescriptor().getDisplayName()).isEqualTo("failsOnPurpose()"));
        Path lastLog = published.get(1).getRequiredPayload(FileEntry.class).getPath();
        assertThat(lastLog).hasFileName("SampleTests-2.log");
        assertThat(Files.readString(lastLog)).contains("Millrace broker started");
        assertThat(printed)
                .as("what the failed test printed")
                .contains("lines of ")
                .contains("SampleTests-2.log");
    }

    /** Run only by the test above (the build runs no nested classes). */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SampleTests {

        @RegisterExtension
        static final MillraceBroker broker = MillraceBroker.builder().build();

        static Path dataDir;

        @Test
        @Order(1)
        void keepsAcknowledgedRecordsAcrossKill9AndRestart() {
            dataDir = broker.dataDir();
            int port = broker.port();
            Clients.createTopic(broker.bootstrap(), "kept", 1, Map.of());
            RecordMetadata written = Clients.sendText(broker.bootstrap(), "kept", "acknowledged before the kill");

            broker.kill9();
            assertThat(broker.isAlive()).isFalse();
            broker.restart();

            assertThat(broker.port()).isEqualTo(port);
            assertThat(broker.dataDir()).isEqualTo(dataDir);
            assertThat(Clients.readText(
                            broker.bootstrap(),
                            new TopicPartition("kept", 0),
                            written.offset(),
                            Duration.ofSeconds(30)))
                    .isEqualTo("acknowledged before the kill");
        }

        @Test
        @Order(2)
        void failsOnPurpose() {
            fail("the failure whose broker log the fixture collects");
        }
    }

    /** Report files of each test in a directory named after its unique id. */
    private record DirectoryPerTest(Path root) implements OutputDirectoryCreator {

        @Override
        public Path getRootDirectory() {
            return root;
        }

        @Override
        public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
            String name = descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9._-]+", "_");
            return Files.createDirectories(root.resolve(name));
        }
    }
}
