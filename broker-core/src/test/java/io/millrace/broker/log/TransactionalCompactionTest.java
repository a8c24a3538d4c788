package io.millrace.broker.log;

import static io.millrace.broker.log.CompactionFixture.DELETE_RETENTION_MS;
import static io.millrace.broker.log.CompactionFixture.compacted;
import static io.millrace.broker.log.CompactionFixture.latest;
import static io.millrace.broker.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Compaction of logs holding transactions: aborted data, markers, open transactions. */
class TransactionalCompactionTest {

    private static final long A = 7L;
    private static final long B = 8L;
    private static final short EPOCH = 0;

    @RegisterExtension
    final CompactionFixture f = new CompactionFixture();

    private int sequenceA;
    private int sequenceB;

    private void txn(PartitionLog log, long producerId, String key, String value) throws Exception {
        int seq = producerId == A ? sequenceA++ : sequenceB++;
        appendDurably(
                log, TestBatches.transactionalKeyed(producerId, EPOCH, seq, f.logs.clock.milliseconds(), key, value));
    }

    private void marker(PartitionLog log, long producerId, boolean commit) throws Exception {
        appendDurably(log, TestBatches.marker(producerId, EPOCH, 0, commit, f.logs.clock.milliseconds()));
    }

    /** Appends with the coordinator's origin (which markers need) and waits until the batch is durable. */
    private static void appendDurably(PartitionLog log, ByteBuffer batch) throws Exception {
        AppendResult r = log.append(batch, 0, AppendOrigin.COORDINATOR);
        assertThat(r.error()).isEqualTo(Errors.NONE);
        TestLogs.awaitDurable(log);
    }

    private static List<MutableRecordBatch> markers(PartitionLog log) throws Exception {
        List<MutableRecordBatch> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.durableOffset()) {
            List<MutableRecordBatch> read =
                    TestBatches.batchesOf(log.read(next, 1 << 20, true).records());
            read.stream().filter(MutableRecordBatch::isControlBatch).forEach(out::add);
            next = read.get(read.size() - 1).nextOffset();
        }
        return out;
    }

    @Test
    void abortedRecordsGoAndNeverHideTheCommittedValueOfTheirKey() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.put(log, "k", "committed");
        txn(log, A, "k", "aborted");
        marker(log, A, false);
        txn(log, B, "j", "in-txn");
        marker(log, B, true);
        f.roll();
        f.put(log, "other", "x");

        assertThat(f.clean()).isTrue();

        assertThat(latest(readAll(log)))
                .containsExactly(Map.entry("k", "committed"), Map.entry("j", "in-txn"), Map.entry("other", "x"));
        assertThat(markers(log))
                .as("markers stay while their transactions' data was still there")
                .extracting(MutableRecordBatch::producerId)
                .containsExactly(A, B);
        assertThat(TransactionalLogTest.readAllCommitted(log))
                .extracting(TestBatches.Entry::value)
                .containsExactly("committed", "in-txn", "x");
    }

    @Test
    void anAbortMarkerGoesOnceItsDataIsGoneAndTheDeleteHorizonPassed() throws Exception {
        PartitionLog log = f.create("state", compacted());
        txn(log, A, "k", "aborted");
        marker(log, A, false);
        txn(log, A, "m", "later");
        marker(log, A, true);
        f.roll();
        f.put(log, "other", "x");

        assertThat(f.clean()).isTrue();
        assertThat(markers(log)).hasSize(2);
        assertThat(log.read(0, 1 << 20, true, true).abortedTransactions())
                .as("the kept abort marker keeps its index entry")
                .hasSize(1);

        f.roll();
        f.put(log, "more", "y");
        assertThat(f.clean()).isTrue();
        assertThat(markers(log))
                .as("no aborted data left: the marker waits for its delete horizon")
                .hasSize(2);

        f.logs.clock.advanceMs(DELETE_RETENTION_MS + 1);
        f.roll();
        f.put(log, "last", "z");
        assertThat(f.clean()).isTrue();

        assertThat(markers(log))
                .as("the commit marker stays with its transaction's data")
                .singleElement()
                .satisfies(b -> assertThat(b.producerId()).isEqualTo(A));
        assertThat(latest(readAll(log))).containsOnlyKeys("m", "other", "more", "last");
    }

    @Test
    void dataOfAnOpenTransactionIsNotCleaned() throws Exception {
        PartitionLog log = f.create("state", compacted());
        f.put(log, "k", "v1");
        f.put(log, "k", "v2");
        txn(log, A, "k", "open");
        f.roll();
        f.put(log, "other", "x");

        f.clean();
        assertThat(readAll(log)).extracting(TestBatches.Entry::value).containsExactly("v1", "v2", "open", "x");

        marker(log, A, true);
        f.roll();
        f.put(log, "more", "y");
        assertThat(f.clean()).isTrue();
        assertThat(latest(readAll(log)))
                .containsExactly(Map.entry("k", "open"), Map.entry("other", "x"), Map.entry("more", "y"));
        assertThat(readAll(log)).extracting(TestBatches.Entry::value).doesNotContain("v1", "v2");
    }
}
