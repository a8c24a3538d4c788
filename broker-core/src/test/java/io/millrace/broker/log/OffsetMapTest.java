package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OffsetMapTest {

    private static ByteBuffer key(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void remembersTheLatestOffsetOfEachKey() {
        OffsetMap map = new OffsetMap(1 << 20);
        map.reset(100);

        assertThat(map.put(key("a"), 3)).isTrue();
        assertThat(map.put(key("b"), 4)).isTrue();
        assertThat(map.put(key("a"), 7)).isTrue();

        assertThat(map.get(key("a"))).isEqualTo(7);
        assertThat(map.get(key("b"))).isEqualTo(4);
        assertThat(map.get(key("c"))).isEqualTo(-1);
        assertThat(map.get(ByteBuffer.allocate(0)))
                .as("the empty key is a key like any other")
                .isEqualTo(-1);
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.latestOffset()).isEqualTo(7);
    }

    @Test
    void leavesTheKeyBufferPositionAlone() {
        OffsetMap map = new OffsetMap(1 << 20);
        map.reset(1);
        ByteBuffer k = key("abc");

        map.put(k, 1);

        assertThat(k.remaining()).isEqualTo(3);
        assertThat(map.get(k)).isEqualTo(1);
    }

    @Test
    void refusesNewKeysWhenFullButStillUpdatesKnownOnes() {
        OffsetMap map = new OffsetMap(14 * OffsetMap.BYTES_PER_SLOT);
        map.reset(1000);
        int keys = map.maxKeys();
        assertThat(keys).isEqualTo(10);
        for (int i = 0; i < keys; i++) {
            assertThat(map.put(key("k" + i), i)).isTrue();
        }

        assertThat(map.put(key("one-too-many"), 100)).isFalse();
        assertThat(map.get(key("one-too-many"))).isEqualTo(-1);
        assertThat(map.latestOffset()).isEqualTo(keys - 1);
        assertThat(map.put(key("k0"), 101)).isTrue();
        assertThat(map.get(key("k0"))).isEqualTo(101);
    }

    @Test
    void neverAllocatesMoreThanItsMemoryBound() {
        long bound = 4096 * OffsetMap.BYTES_PER_SLOT;
        OffsetMap map = new OffsetMap(bound);

        map.reset(10_000_000);
        assertThat(map.allocatedBytes()).isLessThanOrEqualTo(bound);

        map.reset(10);
        assertThat(map.allocatedBytes()).as("sized for what a pass needs").isLessThan(bound / 4);
        assertThat(map.size()).isZero();
        assertThat(map.latestOffset()).isEqualTo(-1);
    }

    @Test
    void rejectsAMemoryBoundTooSmallForOneKey() {
        assertThatThrownBy(() -> new OffsetMap(OffsetMap.BYTES_PER_SLOT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log.cleaner.dedupe.buffer.size");
    }
}
