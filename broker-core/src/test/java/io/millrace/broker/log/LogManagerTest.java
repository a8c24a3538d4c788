package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.await;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogManagerTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void shouldPlaceNewPartitionsInTheLogDirWithTheFewestPartitions() throws Exception {
        TestLogs threeDirs = logs.another(3, FileChannelFactory.DEFAULT);
        threeDirs.start();
        threeDirs.create("a", 0, config());
        threeDirs.create("a", 1, config());
        threeDirs.create("a", 2, config());

        assertThat(List.of(
                        threeDirs.log("a", 0).dir().getParent(),
                        threeDirs.log("a", 1).dir().getParent(),
                        threeDirs.log("a", 2).dir().getParent()))
                .containsExactlyInAnyOrderElementsOf(threeDirs.dirs.stream()
                        .map(p -> p.toAbsolutePath().normalize())
                        .toList());
        Path freed = threeDirs.log("a", 1).dir().getParent();
        threeDirs.manager.deleteLog("a", 1);

        PartitionLog next = threeDirs.create("b", 0, config());

        assertThat(next.dir().getParent()).isEqualTo(freed);
        assertThat(threeDirs.manager.logs()).hasSize(3);
    }

    @Test
    void shouldReturnTheExistingLogWhenCreatingItTwice() throws Exception {
        PartitionLog first = logs.create("stream:orders", 0, config());

        PartitionLog second = logs.create("stream:orders", 0, config());

        assertThat(second).isSameAs(first);
        assertThat(first.dir().getFileName().toString()).isEqualTo("stream%3Aorders-0");
        assertThat(logs.manager.log("stream:orders", 0)).containsSame(first);
        assertThat(logs.manager.log("stream:orders", 1)).isEmpty();
    }

    @Test
    void shouldMoveADeletedLogToTheTrashAndRemoveItsFilesLater() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a"));
        awaitDurable(log);
        Path dir = log.dir();

        logs.manager.deleteLog("orders", 0);

        assertThat(dir).doesNotExist();
        assertThat(logs.manager.log("orders", 0)).isEmpty();
        assertThat(log.append(TestBatches.batch(logs.clock.milliseconds(), "b"), 0, AppendOrigin.CLIENT)
                        .error())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        CompletableFuture<Errors> waiter = new CompletableFuture<>();
        log.whenDurable(5, waiter::complete);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        Path trash = logs.dirs.get(0).resolve(LogManager.TRASH_DIR);
        await("the trash is emptied after file.delete.delay.ms", () -> {
            try {
                return entries(trash) == 0;
            } catch (IOException e) {
                return false;
            }
        });
        logs.manager.deleteLog("orders", 0);
    }

    @Test
    void shouldMoveOrphanPartitionDirsToTheTrashOnStartup() throws Exception {
        PartitionLog kept = logs.create("kept", 0, config());
        PartitionLog orphan = logs.create("gone", 0, config());
        append(orphan, TestBatches.batch(logs.clock.milliseconds(), "x"));
        awaitDurable(orphan);
        Path orphanDir = orphan.dir();
        logs.manager.close();
        logs.topics.remove("gone");
        Files.createDirectories(logs.dirs.get(0).resolve("not a partition"));

        logs.start();

        assertThat(orphanDir).doesNotExist();
        assertThat(logs.manager.log("gone", 0)).isEmpty();
        assertThat(logs.manager.log("kept", 0)).isPresent();
        assertThat(kept.dir()).exists();
        assertThat(logs.dirs.get(0).resolve("not a partition")).exists();
        Path trash = logs.dirs.get(0).resolve(LogManager.TRASH_DIR);
        assertThat(Files.exists(trash)).isTrue();
    }

    @Test
    void shouldWriteCheckpointsAndACleanShutdownMarkerOnClose() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, TestBatches.batch(logs.clock.milliseconds(), "a", "b", "c"));
        Path dir = logs.dirs.get(0);

        logs.manager.close();
        logs.manager.close();

        assertThat(dir.resolve(CleanShutdownCheckpoint.FILE)).exists();
        assertThat(Checkpoints.readRecoveryPoints(dir)).isEqualTo(Map.of("orders-0", 3L));
        assertThat(TestLogs.files(log.dir(), ProducerStateSnapshot.SUFFIX))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("00000000000000000003.snapshot");
        logs.start();
        assertThat(dir.resolve(CleanShutdownCheckpoint.FILE)).doesNotExist();
        assertThat(logs.log("orders", 0).logEndOffset()).isEqualTo(3);
    }

    @Test
    void shouldRefuseALogDirLockedByAnotherManager() throws Exception {
        LogManager second = new LogManager(
                new LogManagerConfig(logs.dirs, 1000, 1000, 1000, 1000), logs.clock, FileChannelFactory.DEFAULT);

        assertThatThrownBy(() -> second.startup(topic -> java.util.Optional.empty()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("in use");
        second.close();
    }

    @Test
    void shouldRejectTopicNamesThatCannotBeStored() throws Exception {

        assertThatThrownBy(() -> logs.create("x".repeat(300), 0, config()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
