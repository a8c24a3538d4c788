package io.millrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenFileLimitTest {

    @Test
    void aWrappedCommandRunsUnderTheLimitAsBothSoftAndHardLimitWithItsArgumentsIntact() {
        List<String> command = OpenFileLimit.wrap(
                256,
                List.of("/bin/sh", "-c", "ulimit -Sn; ulimit -Hn; printf '%s|' \"$@\"", "sh", "a b", "$HOME", "'"));

        ProcessResult result = ExternalCommand.run(command, null, Map.of(), null, Duration.ofSeconds(30));

        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.stdout()).isEqualTo("256\n256\na b|$HOME|'|");
    }

    @Test
    void theWrappedCommandKeepsThePidOfTheProcessThatWasStarted() throws Exception {
        Process process = new ProcessBuilder(OpenFileLimit.wrap(128, List.of("/bin/sh", "-c", "echo $$")))
                .redirectErrorStream(true)
                .start();
        String printed = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();

        assertThat(printed).isEqualTo(Long.toString(process.pid()));
    }

    @Test
    void theHardLimitIsWhatTheShellSays() {
        ProcessResult shell = ExternalCommand.run(
                List.of("/bin/sh", "-c", "ulimit -Hn"), null, Map.of(), null, Duration.ofSeconds(30));
        String said = shell.stdout().trim();

        assertThat(OpenFileLimit.hardLimit())
                .isEqualTo(said.equals("unlimited") ? ProcFs.UNLIMITED : Long.parseLong(said));
        assertThatCode(() -> OpenFileLimit.requireWithinHardLimit(1)).doesNotThrowAnyException();
    }

    @Test
    void aLimitAboveTheHardLimitFailsSayingWhyAndWhatToDo() {
        assertThatThrownBy(() -> OpenFileLimit.require(1024, 512))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("open-file limit of 1024")
                .hasMessageContaining("hard limit here is 512 (ulimit -Hn)")
                .hasMessageContaining("/etc/security/limits.conf");
        assertThatCode(() -> OpenFileLimit.require(1024, 1024)).doesNotThrowAnyException();
        assertThatCode(() -> OpenFileLimit.require(1024, ProcFs.UNLIMITED)).doesNotThrowAnyException();
    }

    @Test
    void aLimitMustBePositive() {
        assertThatThrownBy(() -> OpenFileLimit.wrap(0, List.of("true"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MillraceBroker.builder().openFileLimit(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
