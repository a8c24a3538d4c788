package io.millrace.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker built with {@code openFileLimit(n)} is a JVM running under that limit at every start,
 * and the fixture reads what it holds from {@code /proc/<pid>}.
 */
class OpenFileLimitIT {

    private static final int LIMIT = 256;

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder().openFileLimit(LIMIT).build();

    @Test
    void brokerJvmRunsUnderTheLimitAcrossKill9AndRestartAndReportsWhatItHolds() {
        assertRunsUnderTheLimit();
        Clients.createTopic(broker.bootstrap(), "limited", 1, Map.of());
        long firstPid = broker.pid();

        broker.kill9();
        broker.restart();

        assertThat(broker.pid()).isNotEqualTo(firstPid);
        assertRunsUnderTheLimit();
    }

    private void assertRunsUnderTheLimit() {
        long pid = broker.pid();
        assertThat(ProcessHandle.of(pid).orElseThrow().info().command())
                .as("the process started is the JVM itself (the shell exec'd it)")
                .hasValueSatisfying(command -> assertThat(command).endsWith("/java"));
        assertThat(ProcFs.openFileLimit(pid)).isEqualTo(LIMIT);
        assertThat(broker.openFileCount()).isPositive().isLessThan(LIMIT);
        assertThat(broker.threadCount()).isPositive();
        assertThat(broker.rssBytes()).isGreaterThan(10_000_000L);
    }
}
