package io.millrace.broker.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The {@code __transaction_state} record format, byte for byte. */
class TxnRecordSerdeTest {

    private static final TxnRecord RECORD = new TxnRecord(
            "t1",
            1000L,
            -1L,
            (short) 3,
            (short) 2,
            60_000,
            TxnState.ONGOING,
            Set.of(new TopicPartition("b", 1), new TopicPartition("a", 0), new TopicPartition("b", 0)),
            1_700_000_000_000L,
            1_700_000_000_500L);

    @Test
    void keysAndValuesHaveTheDocumentedLayout() {
        assertThat(HexFormat.of().formatHex(TxnRecordSerde.key("t1"))).isEqualTo("000000027431");
        assertThat(HexFormat.of().formatHex(TxnRecordSerde.value(RECORD)))
                .isEqualTo("0000" + "00000000000003e8" + "ffffffffffffffff" + "0003" + "0002" + "0000ea60" + "01"
                        + "0000018bcfe56800" + "0000018bcfe569f4"
                        + "00000002" + "0001" + "61" + "00000001" + "00000000"
                        + "0001" + "62" + "00000002" + "00000000" + "00000001");
    }

    @Test
    void recordsRoundTrip() {
        assertThat(TxnRecordSerde.transactionalId(TxnRecordSerde.key("t1"))).isEqualTo("t1");
        assertThat(TxnRecordSerde.record("t1", TxnRecordSerde.value(RECORD))).isEqualTo(RECORD);
    }

    @Test
    void aNewerOrDamagedRecordIsRefused() {
        byte[] value = TxnRecordSerde.value(RECORD);
        value[1] = 1;
        assertThatThrownBy(() -> TxnRecordSerde.record("t1", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("newer broker");
        byte[] truncated = java.util.Arrays.copyOf(TxnRecordSerde.value(RECORD), 20);
        assertThatThrownBy(() -> TxnRecordSerde.record("t1", truncated)).isInstanceOf(IllegalArgumentException.class);
    }
}
