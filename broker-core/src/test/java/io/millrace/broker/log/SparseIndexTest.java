package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseIndexTest {

    @TempDir
    Path tmp;

    @Test
    void shouldLookUpTheLastEntryAtOrBelowTheTargetOffset() throws Exception {
        OffsetIndex index = new OffsetIndex(tmp.resolve("100.index"), 100, TestLogs.segmentChannels());
        index.openForAppend(1024, true);
        index.append(110, 500);
        index.append(120, 1000);
        index.append(135, 1600);

        assertThat(index.lookup(100)).isZero();
        assertThat(index.lookup(109)).isZero();
        assertThat(index.lookup(110)).isEqualTo(500);
        assertThat(index.lookup(134)).isEqualTo(1000);
        assertThat(index.lookup(10_000)).isEqualTo(1600);
        assertThat(index.lookup(5)).isZero();
    }

    @Test
    void shouldPreallocateWhileActiveAndTrimToItsEntries() throws Exception {
        Path file = tmp.resolve("0.index");
        OffsetIndex index = new OffsetIndex(file, 0, TestLogs.segmentChannels());
        index.openForAppend(4096, true);
        assertThat(Files.size(file)).isEqualTo(4096);
        index.append(3, 100);
        index.append(9, 300);

        index.trim();

        assertThat(Files.size(file)).isEqualTo(16);
        OffsetIndex reloaded = new OffsetIndex(file, 0, TestLogs.segmentChannels());
        assertThat(reloaded.entries()).isEqualTo(2);
        assertThat(reloaded.lookup(10)).isEqualTo(300);
        assertThat(reloaded.looksValid(1000)).isTrue();
        assertThat(reloaded.looksValid(200)).isFalse();
    }

    @Test
    void shouldReportFullWhenNoRoomIsLeft() throws Exception {
        OffsetIndex index = new OffsetIndex(tmp.resolve("0.index"), 0, TestLogs.segmentChannels());
        index.openForAppend(3 * OffsetIndex.ENTRY_SIZE, true);
        index.append(1, 10);
        index.append(2, 20);
        assertThat(index.isFull()).isFalse();
        index.append(3, 30);

        assertThat(index.isFull()).isTrue();
        assertThat(index.append(4, 40)).isFalse();
    }

    @Test
    void shouldKeepTimeIndexTimestampsIncreasingAndReserveTheFinalSlot() throws Exception {
        TimeIndex index = new TimeIndex(tmp.resolve("50.timeindex"), 50, TestLogs.segmentChannels());
        index.openForAppend(3 * TimeIndex.ENTRY_SIZE, true);
        index.maybeAppend(1000, 55, false);
        index.maybeAppend(1000, 60, false);
        index.maybeAppend(900, 61, false);
        index.maybeAppend(2000, 70, false);
        assertThat(index.isFull()).isTrue();
        index.maybeAppend(3000, 80, false);
        index.maybeAppend(3000, 80, true);

        assertThat(index.entries()).isEqualTo(3);
        assertThat(index.lookup(999)).isEqualTo(50);
        assertThat(index.lookup(1500)).isEqualTo(55);
        assertThat(index.lookup(2500)).isEqualTo(70);
        assertThat(index.lastEntry()).containsExactly(3000, 80);
    }
}
