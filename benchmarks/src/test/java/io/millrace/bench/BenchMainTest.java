package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchMainTest {

    @Test
    void helpDescribesTheScaleWorkloadsOptions() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ScaleResult result = BenchMain.runScale(
                new String[] {"--scale", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(result).isNull();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("millrace bench --scale")
                .contains("--topics N")
                .contains("--open-files N");
    }

    @Test
    void aBadScaleOptionFailsBeforeAnyBrokerStarts() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> BenchMain.runScale(new String[] {"--scale", "--rounds", "2"}, quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rounds");
        assertThatThrownBy(() -> BenchMain.runScale(new String[] {"--scale", "--open-files", "0"}, quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--open-files");
        // No Linux hard limit of open files reaches Integer.MAX_VALUE (fs.nr_open stays below it).
        assertThatThrownBy(() -> BenchMain.runScale(new String[] {"--scale", "--open-files", "2147483647"}, quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--open-files 2147483647")
                .hasMessageContaining("ulimit -Hn");
        assertThatThrownBy(() -> BenchMain.runScale(new String[] {"--scale", "--topics", "10"}, quiet))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--topics must be above 10");
    }
}
