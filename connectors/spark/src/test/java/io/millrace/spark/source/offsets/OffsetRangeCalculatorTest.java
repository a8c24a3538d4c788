package io.millrace.spark.source.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetRangeCalculatorTest {

    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final TopicPartition B = new TopicPartition("b", 0);

    @Test
    void withoutOptionsEachNonEmptyPartitionRangeIsOneTask() {
        OffsetRangeCalculator calculator = new OffsetRangeCalculator(Optional.empty(), Optional.empty());

        List<OffsetRange> tasks = calculator.split(List.of(new OffsetRange(A, 0, 100), new OffsetRange(B, 5, 5)));

        assertThat(tasks).containsExactly(new OffsetRange(A, 0, 100));
    }

    @Test
    void minPartitionsCutsTheLargeRangeInProportionAndLeavesTheSmallOneWhole() {
        OffsetRangeCalculator calculator = new OffsetRangeCalculator(Optional.of(4), Optional.empty());

        List<OffsetRange> tasks = calculator.split(List.of(new OffsetRange(A, 0, 300), new OffsetRange(B, 0, 10)));

        assertThat(tasks)
                .containsExactly(
                        new OffsetRange(A, 0, 100),
                        new OffsetRange(A, 100, 200),
                        new OffsetRange(A, 200, 300),
                        new OffsetRange(B, 0, 10));
    }

    @Test
    void minPartitionsAtOrBelowTheNumberOfRangesCutsNothing() {
        OffsetRangeCalculator calculator = new OffsetRangeCalculator(Optional.of(2), Optional.empty());

        List<OffsetRange> tasks = calculator.split(List.of(new OffsetRange(A, 0, 300), new OffsetRange(B, 0, 10)));

        assertThat(tasks).containsExactly(new OffsetRange(A, 0, 300), new OffsetRange(B, 0, 10));
    }

    @Test
    void maxRecordsPerPartitionCutsRangesIntoPartsNoLongerThanIt() {
        OffsetRangeCalculator calculator = new OffsetRangeCalculator(Optional.empty(), Optional.of(40L));

        List<OffsetRange> tasks = calculator.split(List.of(new OffsetRange(A, 10, 110)));

        assertThat(tasks)
                .containsExactly(new OffsetRange(A, 10, 43), new OffsetRange(A, 43, 76), new OffsetRange(A, 76, 110));
        assertThat(tasks).allMatch(r -> r.size() <= 40);
    }
}
