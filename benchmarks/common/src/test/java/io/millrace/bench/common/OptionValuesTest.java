package io.millrace.bench.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionValuesTest {

    @Test
    void numbersMayHaveSeparatorsAndMustBeInRange() {
        assertThat(OptionValues.positive("--records", "4_000_000")).isEqualTo(4_000_000);
        assertThat(OptionValues.nonNegative("--warmup", "0")).isZero();
        assertThatThrownBy(() -> OptionValues.positive("--records", "0"))
                .hasMessage("--records must be positive, not 0");
        assertThatThrownBy(() -> OptionValues.nonNegative("--warmup", "-1"))
                .hasMessage("--warmup must not be negative, not -1");
        assertThatThrownBy(() -> OptionValues.positive("--rounds", "three"))
                .hasMessage("--rounds takes a number, not three");
    }

    @Test
    void aListDropsBlankItems() {
        assertThat(OptionValues.list(" a, b,,c ,")).containsExactly("a", "b", "c");
        assertThat(OptionValues.timestamped("spark")).matches("spark-\\d{8}-\\d{6}");
    }
}
