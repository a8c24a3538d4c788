package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committable and writer-state formats: golden bytes of version 1, round trips, unknown versions. */
class SinkStateSerializersTest {

    private static final HexFormat HEX = HexFormat.of();

    /** {@code job-0-1}, producer id 7, epoch 3. */
    private static final String COMMITTABLE_V1 = "00076a6f622d302d31" + "0000000000000007" + "0003";

    private final MillraceCommittableSerializer committables = new MillraceCommittableSerializer();
    private final MillraceWriterStateSerializer states = new MillraceWriterStateSerializer();

    @Test
    void committableVersion1() throws IOException {
        MillraceCommittable committable = new MillraceCommittable("job-0-1", 7, (short) 3);

        assertThat(committables.getVersion()).isEqualTo(1);
        assertThat(HEX.formatHex(committables.serialize(committable))).isEqualTo(COMMITTABLE_V1);
        assertThat(committables.deserialize(1, HEX.parseHex(COMMITTABLE_V1))).isEqualTo(committable);
    }

    @Test
    void writerStateVersion1() throws IOException {
        MillraceWriterState state = new MillraceWriterState(
                "job",
                2,
                5,
                List.of(new MillraceCommittable("job-0-1", 7, (short) 3), new MillraceCommittable("x-1-0", -1L, (short)
                        0)));
        String golden = "00036a6f62" + "00000002" + "00000005" + "00000002" + COMMITTABLE_V1 + "0005782d312d30"
                + "ffffffffffffffff" + "0000";

        assertThat(states.getVersion()).isEqualTo(1);
        assertThat(HEX.formatHex(states.serialize(state))).isEqualTo(golden);
        assertThat(states.deserialize(1, HEX.parseHex(golden))).isEqualTo(state);
    }

    @Test
    void anEmptyWriterStateRoundTrips() throws IOException {
        MillraceWriterState state = new MillraceWriterState("préfixe", 0, 1, List.of());

        assertThat(states.deserialize(1, states.serialize(state))).isEqualTo(state);
    }

    @Test
    void unknownVersionsAreRefused() {
        assertThatThrownBy(() -> committables.deserialize(2, HEX.parseHex(COMMITTABLE_V1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> states.deserialize(0, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 0");
    }
}
