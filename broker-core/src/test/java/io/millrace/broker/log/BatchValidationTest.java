package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchValidationTest {

    @RegisterExtension
    final TestLogs logs = new TestLogs();

    private PartitionLog log;

    @BeforeEach
    void setUp() throws Exception {
        log = logs.create(
                "orders",
                0,
                config(LogConfig.MAX_MESSAGE_BYTES, "2000", LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "60000"));
    }

    private AppendResult appendClient(ByteBuffer batch) {
        return log.append(batch, 0, AppendOrigin.CLIENT);
    }

    private ByteBuffer valid() {
        return TestBatches.batch(logs.clock.milliseconds(), "a", "b");
    }

    @Test
    void shouldRejectABatchWhoseCrcDoesNotMatch() {
        ByteBuffer batch = valid();
        int last = batch.limit() - 1;
        batch.put(last, (byte) (batch.get(last) ^ 0x01));

        AppendResult r = appendClient(batch);

        assertThat(r.error()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(r.errorMessage()).contains("orders-0").contains("CRC");
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void shouldRejectTruncatedAndShortInput() {
        ByteBuffer batch = valid();
        batch.limit(batch.limit() - 3);
        assertThat(appendClient(batch).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
        assertThat(appendClient(ByteBuffer.allocate(20)).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
    }

    @Test
    void shouldRejectMoreThanOneBatch() {
        ByteBuffer a = valid();
        ByteBuffer b = valid();
        ByteBuffer both =
                ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();

        assertThat(appendClient(both).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectOldMessageFormats() {
        ByteBuffer batch = valid();
        batch.put(BatchHeader.MAGIC_OFFSET, (byte) 1);

        assertThat(appendClient(batch).error()).isEqualTo(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    }

    @Test
    void shouldRejectBatchesLargerThanMaxMessageBytes() {
        AppendResult r = appendClient(TestBatches.batch(logs.clock.milliseconds(), TestBatches.values("x", 300)));

        assertThat(r.error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        assertThat(r.errorMessage()).contains("max.message.bytes");
    }

    @Test
    void shouldRejectTimestampsOutsideTheConfiguredWindow() {
        long now = logs.clock.milliseconds();
        assertThat(appendClient(TestBatches.batch(now - 120_000, "old")).error())
                .isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(appendClient(TestBatches.batch(now + 2 * TestLogs.HOUR, "future"))
                        .error())
                .isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(appendClient(TestBatches.batch(-1L, "none")).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void shouldRejectUnverifiedTransactionalAndAllControlBatchesFromClients() {
        ByteBuffer txn = TestBatches.transactional(5L, (short) 0, 0, logs.clock.milliseconds(), "t");
        assertThat(appendClient(txn).error())
                .as("a transaction the coordinator did not confirm")
                .isEqualTo(Errors.INVALID_TXN_STATE);

        ByteBuffer control = valid();
        short attributes = control.getShort(BatchHeader.ATTRIBUTES_OFFSET);
        control.putShort(BatchHeader.ATTRIBUTES_OFFSET, (short) (attributes | BatchHeader.CONTROL_FLAG_MASK));
        BatchHeader.rewriteCrc(control, 0, control.remaining());
        assertThat(appendClient(control).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void shouldRejectInconsistentRecordCounts() {
        ByteBuffer batch = valid();
        batch.putInt(BatchHeader.RECORDS_COUNT_OFFSET, 5);
        BatchHeader.rewriteCrc(batch, 0, batch.remaining());

        assertThat(appendClient(batch).error()).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void shouldAcceptTheSameBatchesFromTheCoordinatorWithoutProducerChecks() {
        ByteBuffer txn = TestBatches.transactional(5L, (short) 0, 0, logs.clock.milliseconds(), "t");
        assertThat(log.append(txn, 0, AppendOrigin.COORDINATOR).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void aCompactedTopicRefusesRecordsWithoutKey() throws Exception {
        PartitionLog compacted = logs.create("state", 0, config(LogConfig.CLEANUP_POLICY, "compact"));
        long now = logs.clock.milliseconds();

        AppendResult keyless =
                compacted.append(TestBatches.keyed(now, "k", "v", null, "no key"), 0, AppendOrigin.CLIENT);
        AppendResult compressed = compacted.append(
                TestBatches.keyed(
                        org.apache.kafka.common.compress.Compression.lz4().build(),
                        -1L,
                        (short) -1,
                        -1,
                        now,
                        "k",
                        "v",
                        null,
                        "no key"),
                0,
                AppendOrigin.CLIENT);
        AppendResult keyed =
                compacted.append(TestBatches.keyed(now, "k", "v", "", "empty key is a key"), 0, AppendOrigin.CLIENT);
        AppendResult elsewhere = log.append(TestBatches.keyed(now, null, "fine"), 0, AppendOrigin.CLIENT);

        assertThat(keyless.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(keyless.errorMessage())
                .contains("Compacted topic cannot accept message without key")
                .contains("state-0");
        assertThat(compressed.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(keyed.error()).isEqualTo(Errors.NONE);
        assertThat(keyed.baseOffset())
                .as("nothing of the refused batches was written")
                .isZero();
        assertThat(elsewhere.error())
                .as("a topic with cleanup.policy=delete takes keyless records")
                .isEqualTo(Errors.NONE);
    }

    @Test
    void aCompactedTopicRefusesABatchWhoseRecordsDoNotMatchItsHeader() throws Exception {
        PartitionLog compacted = logs.create("state", 0, config(LogConfig.CLEANUP_POLICY, "compact"));
        ByteBuffer batch = TestBatches.keyed(logs.clock.milliseconds(), "k", "v");
        batch.putInt(BatchHeader.RECORDS_COUNT_OFFSET, 2);
        batch.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, 1);
        BatchHeader.rewriteCrc(batch, 0, batch.remaining());

        AppendResult r = compacted.append(batch, 0, AppendOrigin.CLIENT);

        assertThat(r.error()).as("Kafka's code for a batch whose records miss").isEqualTo(Errors.INVALID_RECORD);
        assertThat(r.errorMessage()).contains("state-0");
        assertThat(compacted.logEndOffset()).isZero();
    }
}
