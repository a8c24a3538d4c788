package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessLimitsTest {

    @Test
    void readsTheLimitsOfThisLinuxProcessAndDerivesTheCacheSizesFromThem() {
        assumeTrue(Files.exists(Path.of("/proc/sys/vm/max_map_count")), "a Linux /proc");

        long maps = ProcessLimits.maxMapCount();
        long files = ProcessLimits.maxOpenFiles();

        assertThat(maps)
                .as("Linux allows thousands of mappings (65530 by default)")
                .isGreaterThan(1000);
        assertThat(files).isPositive();
        assertThat(ProcessLimits.openFiles()).isPositive().isLessThanOrEqualTo(files);
        assertThat(ProcessLimits.defaultMappedIndexesMax()).isEqualTo(Math.max(ProcessLimits.MIN_CACHE, maps / 4));
        assertThat(ProcessLimits.defaultOpenFilesMax())
                .isEqualTo(Math.max(ProcessLimits.MIN_CACHE, Math.min(Integer.MAX_VALUE, files / 2)));
    }
}
