package io.millrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void openFileCountGrowsByOneForEveryFileThisProcessOpensAndShrinksWhenItIsClosed(@TempDir Path dir)
            throws IOException {
        Path file = Files.createFile(dir.resolve("counted"));
        int before = ProcFs.openFileCount(SELF);

        int whileOpen;
        try (FileChannel a = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel b = FileChannel.open(file, StandardOpenOption.READ)) {
            whileOpen = ProcFs.openFileCount(SELF);
        }

        assertThat(before).isPositive();
        assertThat(whileOpen).isEqualTo(before + 2);
        assertThat(ProcFs.openFileCount(SELF)).isEqualTo(before);
    }

    @Test
    void threadCountSeesAThreadThisProcessStarts() throws InterruptedException {
        int before = ProcFs.threadCount(SELF);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        thread.start();
        started.await();

        int during = ProcFs.threadCount(SELF);
        release.countDown();
        thread.join();

        assertThat(before).isPositive();
        assertThat(during).isGreaterThan(before);
    }

    @Test
    void rssIsWhatStatusSaysInKilobytesTimes1024AndAtMostThePeak() {
        long rss = ProcFs.rssBytes(SELF);

        assertThat(rss).isPositive().isEqualTo(rss / 1024 * 1024);
        assertThat(ProcFs.statusValue(SELF, "VmHWM:") * 1024).isGreaterThanOrEqualTo(rss);
    }

    @Test
    void openFileLimitIsTheSoftLimitThisProcessRunsUnder() throws IOException {
        String limits = Files.readString(Path.of("/proc/self/limits"));
        String soft = limits.lines()
                .filter(line -> line.startsWith("Max open files"))
                .findFirst()
                .orElseThrow()
                .substring("Max open files".length())
                .trim()
                .split("\\s+")[0];

        assertThat(ProcFs.openFileLimit(SELF))
                .isEqualTo(soft.equals("unlimited") ? ProcFs.UNLIMITED : Long.parseLong(soft));
    }

    @Test
    void aProcessThatDoesNotExistFailsNamingTheFileItCouldNotRead() {
        long noSuchPid = Long.MAX_VALUE;

        assertThatThrownBy(() -> ProcFs.openFileCount(noSuchPid))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/proc/" + noSuchPid + "/fd");
        assertThatThrownBy(() -> ProcFs.threadCount(noSuchPid))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/proc/" + noSuchPid + "/status");
        assertThatThrownBy(() -> ProcFs.openFileLimit(noSuchPid))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/proc/" + noSuchPid + "/limits");
    }
}
