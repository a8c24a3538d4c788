package io.millrace.flink.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MillraceSplitSerializerTest {

    private final MillraceSplitSerializer serializer = new MillraceSplitSerializer();

    /** Version 1 of {@code [orders:placed-3, from 42 to 100]}, as checkpoints hold it. */
    private static final String VERSION_1_BOUNDED =
            "000d6f72646572733a706c61636564" + "00000003" + "000000000000002a" + "0000000000000064";

    @Test
    void writesVersion1AsDocumented() throws IOException {
        MillraceSplit split = new MillraceSplit(new TopicPartition("orders:placed", 3), 42, 100);

        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(HexFormat.of().formatHex(serializer.serialize(split))).isEqualTo(VERSION_1_BOUNDED);
    }

    @Test
    void readsVersion1() throws IOException {
        MillraceSplit split = serializer.deserialize(1, HexFormat.of().parseHex(VERSION_1_BOUNDED));

        assertThat(split).isEqualTo(new MillraceSplit(new TopicPartition("orders:placed", 3), 42, 100));
        assertThat(split.stoppingOffset()).hasValue(100);
    }

    @Test
    void roundTripsASplitWithoutStoppingOffset() throws IOException {
        MillraceSplit split = new MillraceSplit(new TopicPartition("t", 0), 7);

        MillraceSplit read = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(read).isEqualTo(split);
        assertThat(read.stoppingOffset()).isEmpty();
    }

    @Test
    void refusesAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(2, HexFormat.of().parseHex(VERSION_1_BOUNDED)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 2");
    }

    @Test
    void stateMovesOnlyForwardAndRestartsWhereItIs() {
        MillraceSplitState state = new MillraceSplitState(new MillraceSplit(new TopicPartition("t", 1), 10, 50));

        state.advanceTo(17);
        state.advanceTo(12);

        assertThat(state.nextOffset()).isEqualTo(17);
        assertThat(state.toSplit()).isEqualTo(new MillraceSplit(new TopicPartition("t", 1), 17, 50));
    }
}
