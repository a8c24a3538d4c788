package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSummaryTest {

    @TempDir
    Path dir;

    @Test
    void summarisesCpuSamplesAndFsyncsOfARecording() throws Exception {
        Path file = dir.resolve("test.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.FileForce").withThreshold(Duration.ZERO);
            recording.start();
            spinFor(Duration.ofMillis(500));
            try (FileChannel ch =
                    FileChannel.open(dir.resolve("data"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                ch.force(true);
            }
            recording.stop();
            recording.dump(file);
        }

        String summary = JfrSummary.summarise(file);

        assertThat(summary).startsWith("### test.jfr");
        assertThat(summary)
                .contains("**Millrace methods (inclusive: on the stack)**")
                .contains("`io.millrace.bench.JfrSummaryTest.spinFor`");
        assertThat(summary).containsPattern("fsync \\(jdk.FileForce\\): [1-9]\\d* calls");
    }

    private static long spinFor(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        long x = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                x = x * 31 + i;
            }
        }
        return x;
    }
}
