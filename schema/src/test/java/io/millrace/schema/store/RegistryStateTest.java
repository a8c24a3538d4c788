package io.millrace.schema.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.store.StoreKey.ConfigKey;
import io.millrace.schema.store.StoreKey.SchemaKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replay of the schemas topic: the offset-as-sequence rule decides races the same way on every instance. */
class RegistryStateTest {

    private static final String S1 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}";
    private static final String S2 = "{\"type\":\"record\",\"name\":\"B\",\"fields\":[]}";

    private final RegistryState state = new RegistryState();

    private void put(
            long offset, String subject, int version, long seq, String node, int id, String schema, boolean deleted) {
        state.apply(
                offset,
                StoreCodec.encodeKey(new SchemaKey(subject, version, seq, node)),
                StoreCodec.encodeSchema(
                        new RegisteredSchema(subject, version, id, "AVRO", schema, List.of(), deleted)));
    }

    private java.util.Optional<io.millrace.schema.core.SchemaIdentity> schemaById(int id) {
        return state.read(v -> v.schemaById(id));
    }

    private List<RegisteredSchema> versions(String subject) {
        return state.read(v -> v.versions(subject));
    }

    private boolean holds(SchemaKey key) {
        return state.read(v -> v.holds(key));
    }

    private long nextOffset() {
        return state.read(v -> v.nextOffset());
    }

    private int maxId() {
        return state.read(v -> v.maxId());
    }

    private List<String> subjects(boolean deleted) {
        return state.read(v -> v.subjects(deleted));
    }

    private java.util.Optional<CompatibilityLevel> config(String subject) {
        return state.read(v -> v.config(subject));
    }

    @Test
    void aRecordWrittenForAnotherOffsetLostTheRaceAndIsIgnored() {
        put(0, "a", 1, 0, "node-1", 1, S1, false);
        put(1, "b", 1, 0, "node-2", 1, S2, false); // proposed id 1 for another schema, landed after the winner
        assertThat(schemaById(1).orElseThrow().schema()).isEqualTo(S1);
        assertThat(versions("b")).isEmpty();
        assertThat(holds(new SchemaKey("b", 1, 0, "node-2"))).isFalse();
        assertThat(nextOffset()).isEqualTo(2);
    }

    @Test
    void anIdAlreadyBoundToAnotherSchemaIsNeverRebound() {
        put(0, "a", 1, 0, "n", 1, S1, false);
        put(1, "b", 1, 1, "n", 1, S2, false);
        assertThat(versions("b")).isEmpty();
        assertThat(maxId()).isEqualTo(1);
    }

    @Test
    void softDeleteMarkersAndTombstonesRemoveAVersionOnlyWhenEveryKeyIsGone() {
        put(0, "a", 1, 0, "n", 7, S1, false);
        put(1, "a", 1, 1, "n", 7, S1, true);
        assertThat(versions("a").get(0).deleted()).isTrue();
        assertThat(subjects(false)).isEmpty();
        assertThat(subjects(true)).containsExactly("a");
        state.apply(2, StoreCodec.encodeKey(new SchemaKey("a", 1, 0, "n")), null);
        assertThat(versions("a")).hasSize(1);
        state.apply(3, StoreCodec.encodeKey(new SchemaKey("a", 1, 1, "n")), null);
        assertThat(versions("a")).isEmpty();
        assertThat(schemaById(7)).isEmpty();
        assertThat(maxId()).as("ids are not handed out again").isEqualTo(7);
    }

    @Test
    void configsFollowTheLastRecordAndTombstonesRemoveThem() {
        state.apply(0, StoreCodec.encodeKey(new ConfigKey("a")), StoreCodec.encodeConfig(CompatibilityLevel.FULL));
        state.apply(1, StoreCodec.encodeKey(new ConfigKey(null)), StoreCodec.encodeConfig(CompatibilityLevel.NONE));
        assertThat(config("a")).contains(CompatibilityLevel.FULL);
        assertThat(config(null)).contains(CompatibilityLevel.NONE);
        state.apply(2, StoreCodec.encodeKey(new ConfigKey("a")), null);
        assertThat(config("a")).isEmpty();
    }

    @Test
    void unreadableAndUnknownRecordsAreSkippedAndTheOffsetStillAdvances() {
        state.apply(0, "not json".getBytes(), "x".getBytes());
        state.apply(1, "{\"keytype\":\"NOOP\"}".getBytes(), null);
        state.advanceTo(10);
        assertThat(nextOffset()).isEqualTo(10);
        assertThat(subjects(true)).isEmpty();
    }
}
