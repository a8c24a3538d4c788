package io.millrace.flink.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.source.split.MillraceSplit;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MillraceEnumStateSerializerTest {

    private final MillraceEnumStateSerializer serializer = new MillraceEnumStateSerializer();

    private static final MillraceEnumState STATE = new MillraceEnumState(
            List.of(new MillraceSplit(new TopicPartition("a", 0), 5)),
            List.of(new MillraceSplit(new TopicPartition("b", 1), 0, 9)),
            true);

    /** Version 1 of {@link #STATE}: one assigned split, one unassigned, initial discovery finished. */
    private static final String VERSION_1 = "00000001" + "000161" + "00000000" + "0000000000000005"
            + "8000000000000000" + "00000001" + "000162" + "00000001" + "0000000000000000" + "0000000000000009"
            + "01";

    @Test
    void writesVersion1AsDocumented() throws IOException {
        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(HexFormat.of().formatHex(serializer.serialize(STATE))).isEqualTo(VERSION_1);
    }

    @Test
    void readsVersion1() throws IOException {
        assertThat(serializer.deserialize(1, HexFormat.of().parseHex(VERSION_1)))
                .isEqualTo(STATE);
    }

    @Test
    void roundTripsTheInitialState() throws IOException {
        MillraceEnumState initial = MillraceEnumState.initial();

        assertThat(serializer.deserialize(1, serializer.serialize(initial))).isEqualTo(initial);
    }

    @Test
    void refusesTrailingBytesAndUnknownVersions() {
        assertThatThrownBy(() -> serializer.deserialize(1, HexFormat.of().parseHex(VERSION_1 + "00")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unexpected bytes");
        assertThatThrownBy(() -> serializer.deserialize(0, HexFormat.of().parseHex(VERSION_1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 0");
    }
}
