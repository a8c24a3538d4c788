package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    private static final long PID = ProcessHandle.current().pid();

    @Test
    void cpuTimeOfThisProcessGrowsWhileItComputes() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        long before = ProcStats.cpuNanos(PID);
        long deadline = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        long after = ProcStats.cpuNanos(PID);

        assertThat(before).isPositive();
        assertThat(after).as("work done: %d", x).isGreaterThan(before);
    }

    @Test
    void peakRssIsAtLeastTheCurrentRss() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        long rss = ProcStats.rssBytes(PID);

        assertThat(rss).isPositive();
        assertThat(ProcStats.peakRssBytes(PID)).isGreaterThanOrEqualTo(rss);
    }

    @Test
    void machineCpuSplitsTaskInterruptStealAndKernelThreadTime() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        ProcStats.MachineCpu cpu = ProcStats.machineCpu();

        assertThat(cpu).isNotNull();
        assertThat(cpu.taskNanos()).isPositive();
        assertThat(cpu.interruptNanos()).isNotNegative();
        assertThat(cpu.stealNanos()).isNotNegative();
        assertThat(cpu.kernelThreadNanos()).isNotNegative().isLessThanOrEqualTo(cpu.taskNanos());
    }

    @Test
    void aProcessThatDoesNotExistReportsUnavailableFigures() {
        long noSuchPid = Long.MAX_VALUE;

        assertThat(ProcStats.cpuNanos(noSuchPid)).isEqualTo(-1);
        assertThat(ProcStats.peakRssBytes(noSuchPid)).isEqualTo(-1);
        assertThat(ProcStats.resetPeakRss(noSuchPid)).isFalse();
    }
}
