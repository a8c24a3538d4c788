package io.millrace.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BenchRecordsTest {

    @Test
    void aValueHasItsSizeAndGivesBackItsIndex() throws Exception {
        byte[] value = BenchRecords.generator(100).map(4_999_999L);

        assertThat(value).hasSize(100);
        assertThat(BenchRecords.index(value)).isEqualTo(4_999_999L);
        assertThat(BenchRecords.value(4_999_999L, 100)).isEqualTo(value);
    }

    @Test
    void aValueMustHoldItsIndex() {
        assertThatThrownBy(() -> BenchRecords.generator(7)).hasMessageContaining("at least 8 bytes");
    }
}
