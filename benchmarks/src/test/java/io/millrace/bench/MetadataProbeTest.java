package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetadataProbeTest {

    @Test
    void percentileIsTheNearestRankOfTheSortedValues() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }

        assertThat(MetadataProbe.percentile(sorted, 50)).isEqualTo(50);
        assertThat(MetadataProbe.percentile(sorted, 99)).isEqualTo(99);
        assertThat(MetadataProbe.percentile(sorted, 100)).isEqualTo(100);
        assertThat(MetadataProbe.percentile(new long[] {7}, 99)).isEqualTo(7);
    }
}
