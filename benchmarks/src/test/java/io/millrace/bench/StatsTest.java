package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
    }

    @Test
    void medianIgnoresMissingValuesAndIsNaNWithoutAny() {
        assertThat(Stats.median(Arrays.asList(null, 2.0, Double.NaN))).isEqualTo(2.0);
        assertThat(Stats.median(List.of())).isNaN();
    }

    @Test
    void ratioIsNaNWhenAFigureIsMissingOrTheDivisorIsZero() {
        assertThat(Stats.ratio(3, 2)).isEqualTo(1.5);
        assertThat(Stats.ratio(Double.NaN, 2)).isNaN();
        assertThat(Stats.ratio(3, 0)).isNaN();
    }

    @Test
    void formatKeepsAboutThreeSignificantDigits() {
        assertThat(Stats.format(123456.7)).isEqualTo("123,457");
        assertThat(Stats.format(45.67)).isEqualTo("45.7");
        assertThat(Stats.format(1.234)).isEqualTo("1.23");
        assertThat(Stats.format(0.01234)).isEqualTo("0.012");
        assertThat(Stats.format(Double.NaN)).isEqualTo("n/a");
        assertThat(Stats.formatRatio(1.516)).isEqualTo("1.52×");
    }
}
