package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.await;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProducerStateTest {

    private static final long PID = 1000L;

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private ByteBuffer batch(short epoch, int seq, String... values) {
        return TestBatches.idempotent(PID, epoch, seq, logs.clock.milliseconds(), values);
    }

    private static AppendResult send(PartitionLog log, ByteBuffer batch) {
        return log.append(batch, 0, AppendOrigin.CLIENT);
    }

    @Test
    void shouldAnswerADuplicateWithTheOriginalOffsetsAndWriteNothing() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        AppendResult first = append(log, batch((short) 0, 0, "a", "b"));
        append(log, batch((short) 0, 2, "c"));
        long sizeBefore = log.sizeInBytes();

        AppendResult retry = send(log, batch((short) 0, 0, "a", "b"));

        assertThat(retry.error()).isEqualTo(Errors.NONE);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.baseOffset()).isEqualTo(first.baseOffset());
        assertThat(retry.lastOffset()).isEqualTo(first.lastOffset());
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(log.sizeInBytes()).isEqualTo(sizeBefore);
    }

    @Test
    void shouldRejectOutOfOrderSequences() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, batch((short) 0, 0, "a", "b"));

        AppendResult gap = send(log, batch((short) 0, 5, "c"));

        assertThat(gap.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(gap.errorMessage()).contains("expected 2").contains("orders-0");
        assertThat(append(log, batch((short) 0, 2, "c")).baseOffset()).isEqualTo(2);
    }

    @Test
    void shouldRejectAFencedEpoch() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, batch((short) 5, 0, "a"));

        assertThat(send(log, batch((short) 4, 1, "old")).error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void shouldRequireANewEpochToStartAtSequenceZero() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, batch((short) 0, 0, "a"));

        assertThat(send(log, batch((short) 1, 3, "x")).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(send(log, batch((short) 1, 0, "x")).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldAcceptAnySequenceFromAnUnknownProducerAndWrapAtIntMax() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, batch((short) 0, Integer.MAX_VALUE - 1, "a", "b"));

        assertThat(send(log, batch((short) 0, 0, "wrapped")).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldKeepProducerStateAcrossACleanRestart() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        AppendResult first = append(log, batch((short) 0, 0, "a"));
        append(log, batch((short) 0, 1, "b"));
        awaitDurable(log);

        logs.restart();
        PartitionLog reopened = logs.log("orders", 0);

        AppendResult retry = send(reopened, batch((short) 0, 0, "a"));
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.baseOffset()).isEqualTo(first.baseOffset());
        assertThat(send(reopened, batch((short) 0, 7, "gap")).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(send(reopened, batch((short) 0, 2, "c")).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldRebuildProducerStateAfterACrashFromSnapshotAndReplay() throws Exception {
        PartitionLog log = logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024"));
        // another producer writes only into the first segment: after the crash only a snapshot knows it
        AppendResult early = append(log, TestBatches.idempotent(77L, (short) 0, 0, logs.clock.milliseconds(), "e"));
        int seq = 0;
        while (log.numberOfSegments() < 4) {
            append(log, batch((short) 2, seq, "v" + seq));
            seq++;
        }
        AppendResult late = append(log, batch((short) 2, seq, "last"));
        awaitDurable(log);
        await("the roll snapshots were written", () -> {
            try {
                return TestLogs.files(log.dir(), ProducerStateSnapshot.SUFFIX).size() == 3;
            } catch (Exception e) {
                return false;
            }
        });
        TestLogs crashed = logs.crashCopy();
        // the crash copy must not rely on a shutdown snapshot
        Path dir = crashed.dirs.get(0).resolve("orders-0");
        assertThat(Files.exists(dir.resolve(CleanShutdownCheckpoint.FILE))).isFalse();

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        AppendResult retryLate = recovered.append(
                TestBatches.idempotent(PID, (short) 2, seq, crashed.clock.milliseconds(), "last"),
                0,
                AppendOrigin.CLIENT);
        assertThat(retryLate.duplicate()).isTrue();
        assertThat(retryLate.baseOffset()).isEqualTo(late.baseOffset());
        AppendResult gap = recovered.append(
                TestBatches.idempotent(PID, (short) 2, seq + 5, crashed.clock.milliseconds(), "gap"),
                0,
                AppendOrigin.CLIENT);
        assertThat(gap.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        AppendResult fenced = recovered.append(
                TestBatches.idempotent(PID, (short) 1, 0, crashed.clock.milliseconds(), "zombie"),
                0,
                AppendOrigin.CLIENT);
        assertThat(fenced.error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        AppendResult retryEarly = recovered.append(
                TestBatches.idempotent(77L, (short) 0, 0, crashed.clock.milliseconds(), "e"), 0, AppendOrigin.CLIENT);
        assertThat(retryEarly.duplicate()).isTrue();
        assertThat(retryEarly.baseOffset()).isEqualTo(early.baseOffset());
    }

    @Test
    void shouldRebuildProducerStateAfterACrashWithoutAnySnapshot() throws Exception {
        PartitionLog log = logs.create("orders", 0, config());
        append(log, batch((short) 0, 0, "a"));
        AppendResult second = append(log, batch((short) 0, 1, "b"));
        awaitDurable(log);
        TestLogs crashed = logs.crashCopy();
        assertThat(TestLogs.files(crashed.dirs.get(0).resolve("orders-0"), ProducerStateSnapshot.SUFFIX))
                .isEmpty();

        crashed.start();
        PartitionLog recovered = crashed.log("orders", 0);

        AppendResult retry = recovered.append(
                TestBatches.idempotent(PID, (short) 0, 1, crashed.clock.milliseconds(), "b"), 0, AppendOrigin.CLIENT);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.baseOffset()).isEqualTo(second.baseOffset());
    }

    @Test
    void shouldExpireIdleProducersButNotDropThemWithRetention() throws Exception {
        PartitionLog log =
                logs.create("orders", 0, config(LogConfig.SEGMENT_BYTES, "1024", LogConfig.RETENTION_MS, "1000"));
        append(log, batch((short) 0, 0, "a"));
        for (int i = 0; i < 30; i++) {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "filler-" + i));
        }
        awaitDurable(log);
        logs.clock.advanceMs(5_000);
        append(log, TestBatches.batch(logs.clock.milliseconds(), "fresh"));
        awaitDurable(log);

        assertThat(log.applyRetention()).isPositive();
        assertThat(log.producerCount()).isEqualTo(1);
        assertThat(send(log, batch((short) 0, 9, "gap")).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);

        logs.clock.advanceMs(TestLogs.HOUR);
        logs.manager.expireProducers();
        assertThat(log.producerCount()).isZero();
        assertThat(send(log, batch((short) 0, 9, "accepted")).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldRoundTripTheSnapshotFormatAndRejectDamage() {
        ProducerStateTable table = new ProducerStateTable();
        for (int i = 0; i < 7; i++) {
            table.update(9L, (short) 3, i * 2, i * 2 + 1, i * 10L, i * 10L + 1, 1000L + i, 55L, false);
        }
        table.update(10L, (short) 0, 0, 0, 100L, 100L, -1L, 56L, false);
        byte[] bytes = ProducerStateSnapshot.serialize(table, 200L);

        ProducerStateTable loaded = new ProducerStateTable();
        ProducerStateSnapshot.read(bytes, 200L, loaded);
        assertThat(loaded.size()).isEqualTo(2);
        ProducerStateTable.Entry e = loaded.get(9L);
        assertThat(e.count).isEqualTo(ProducerStateTable.CACHED_BATCHES);
        assertThat(e.lastSeq[e.newest()]).isEqualTo(13);
        assertThat(loaded.check(9L, (short) 3, 4, 5, false, VerificationGuard.NONE, "t-0", 0, false)
                        .duplicate())
                .isTrue();

        bytes[bytes.length - 3] ^= 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ProducerStateSnapshot.read(bytes, 200L, new ProducerStateTable()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CRC");
    }
}
