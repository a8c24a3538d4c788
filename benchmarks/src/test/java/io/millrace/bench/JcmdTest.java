package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

class JcmdTest {

    @Test
    void liveHeapOfARunningJvmIsPositiveAndWithinItsHeap() throws Exception {
        Jcmd jcmd = new Jcmd(new BenchEnvironment(null, null, null, TestEnvironment.javaExecutable()));
        byte[] kept = new byte[32 * 1024 * 1024];

        long live = jcmd.liveHeapBytes(ProcessHandle.current().pid());

        assertThat(live)
                .isGreaterThan(kept.length)
                .isLessThanOrEqualTo(Runtime.getRuntime().totalMemory());
        assertThat(kept).hasSize(32 * 1024 * 1024);
    }
}
