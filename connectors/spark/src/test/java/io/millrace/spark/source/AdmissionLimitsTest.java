package io.millrace.spark.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.junit.jupiter.api.Test;

class AdmissionLimitsTest {

    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final TopicPartition B = new TopicPartition("b", 0);
    private static final TopicPartition NEW = new TopicPartition("new", 0);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AdmissionLimits limits = new AdmissionLimits(added -> Map.of(NEW, 0L), now::get);

    @Test
    void allAvailableEndsAtTheLatestOffsets() {
        Map<TopicPartition, Long> latest = Map.of(A, 100L, B, 50L);

        assertThat(limits.end(Map.of(A, 0L, B, 0L), latest, ReadLimit.allAvailable()))
                .isEqualTo(latest);
    }

    @Test
    void maxRowsIsSharedInProportionToWhatEachPartitionHasIncludingANewPartition() {
        Map<TopicPartition, Long> end =
                limits.end(Map.of(A, 10L, B, 0L), Map.of(A, 310L, B, 100L, NEW, 100L), ReadLimit.maxRows(50));

        assertThat(end).containsExactlyInAnyOrderEntriesOf(Map.of(A, 10L + 30, B, 10L, NEW, 10L));
    }

    @Test
    void maxRowsGivesEveryPartitionWithNewOffsetsAtLeastOne() {
        Map<TopicPartition, Long> end =
                limits.end(Map.of(A, 0L, B, 0L), Map.of(A, 1000L, B, 1L), ReadLimit.maxRows(10));

        assertThat(end).containsExactlyInAnyOrderEntriesOf(Map.of(A, 9L, B, 1L));
    }

    @Test
    void minRowsHoldsTheBatchBackUntilEnoughIsNewOrTheDelayHasPassed() {
        Map<TopicPartition, Long> from = Map.of(A, 0L);
        ReadLimit min = ReadLimit.minRows(100, 60_000);
        assertThat(limits.end(from, Map.of(A, 5L), min))
                .as("the first batch: the delay since no batch has passed")
                .isEqualTo(Map.of(A, 5L));

        now.addAndGet(1_000);
        assertThat(limits.end(Map.of(A, 5L), Map.of(A, 50L), min)).isEqualTo(Map.of(A, 5L));
        assertThat(limits.end(Map.of(A, 5L), Map.of(A, 105L), min)).isEqualTo(Map.of(A, 105L));

        now.addAndGet(1_000);
        assertThat(limits.end(Map.of(A, 105L), Map.of(A, 110L), min)).isEqualTo(Map.of(A, 105L));
        now.addAndGet(60_000);
        assertThat(limits.end(Map.of(A, 105L), Map.of(A, 110L), min)).isEqualTo(Map.of(A, 110L));
    }

    @Test
    void aCompositeLimitAdmitsOnlyEnoughAndAtMostTheMaximum() {
        ReadLimit composite =
                ReadLimit.compositeLimit(new ReadLimit[] {ReadLimit.minRows(10, 60_000), ReadLimit.maxRows(20)});
        limits.end(Map.of(A, 0L), Map.of(A, 0L), composite);
        now.addAndGet(1_000);

        assertThat(limits.end(Map.of(A, 0L), Map.of(A, 5L), composite)).isEqualTo(Map.of(A, 0L));
        assertThat(limits.end(Map.of(A, 0L), Map.of(A, 100L), composite)).isEqualTo(Map.of(A, 20L));
    }
}
