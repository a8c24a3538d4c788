package io.millrace.flink.source.enumerator.initializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetsInitializerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition P2 = new TopicPartition("t", 2);
    private static final List<TopicPartition> ALL = List.of(P0, P1, P2);

    /** Partitions holding offsets 10-99, 20-199 and 30-299; P0 has a committed offset, P2 no late record. */
    private final FakeOffsets offsets = new FakeOffsets();

    @Test
    void earliestAndLatestAreTheEndsOfEachPartition() {
        assertThat(OffsetsInitializer.earliest().getPartitionOffsets(ALL, offsets))
                .isEqualTo(Map.of(P0, 10L, P1, 20L, P2, 30L));
        assertThat(OffsetsInitializer.latest().getPartitionOffsets(ALL, offsets))
                .isEqualTo(Map.of(P0, 100L, P1, 200L, P2, 300L));
        assertThat(OffsetsInitializer.earliest().getAutoOffsetResetStrategy()).isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(OffsetsInitializer.latest().getAutoOffsetResetStrategy()).isEqualTo(OffsetResetStrategy.LATEST);
    }

    @Test
    void committedOffsetsFallBackToTheResetStrategy() {
        assertThat(OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST)
                        .getPartitionOffsets(ALL, offsets))
                .isEqualTo(Map.of(P0, 55L, P1, 200L, P2, 300L));
        assertThat(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST)
                        .getPartitionOffsets(ALL, offsets))
                .isEqualTo(Map.of(P0, 55L, P1, 20L, P2, 30L));
    }

    @Test
    void committedOffsetsWithoutFallbackNameThePartitionsLackingOne() {
        assertThatThrownBy(() -> OffsetsInitializer.committedOffsets().getPartitionOffsets(ALL, offsets))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("t-1")
                .hasMessageContaining("t-2")
                .hasMessageContaining("NONE");
        assertThat(OffsetsInitializer.committedOffsets().getPartitionOffsets(List.of(P0), offsets))
                .isEqualTo(Map.of(P0, 55L));
    }

    @Test
    void committedOffsetsNeedAGroupId() {
        OffsetsInitializerValidator validator = (OffsetsInitializerValidator) OffsetsInitializer.committedOffsets();

        assertThatThrownBy(() -> validator.validate(new Properties()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("group.id");
        Properties withGroup = new Properties();
        withGroup.setProperty("group.id", "g");
        validator.validate(withGroup);
    }

    @Test
    void timestampStartsAtTheFirstLateEnoughRecordOrAtTheEnd() {
        OffsetsInitializer initializer = OffsetsInitializer.timestamp(1_000);

        assertThat(initializer.getPartitionOffsets(ALL, offsets)).isEqualTo(Map.of(P0, 40L, P1, 120L, P2, 300L));
        assertThat(offsets.searchedTimestamps).containsOnly(1_000L);
        assertThatThrownBy(() -> OffsetsInitializer.timestamp(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void specificOffsetsFallBackToCommittedThenToTheResetStrategy() {
        OffsetsInitializer initializer = OffsetsInitializer.offsets(Map.of(P1, 150L), OffsetResetStrategy.LATEST);

        assertThat(initializer.getPartitionOffsets(ALL, offsets)).isEqualTo(Map.of(P0, 55L, P1, 150L, P2, 300L));
        assertThat(OffsetsInitializer.offsets(Map.of(P1, 150L)).getPartitionOffsets(ALL, offsets))
                .isEqualTo(Map.of(P0, 55L, P1, 150L, P2, 30L));
        assertThatThrownBy(() -> OffsetsInitializer.offsets(Map.of(P1, -3L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t-1");
    }

    @Test
    void noStoppingOffsetsMeansNone() {
        assertThat(new NoStoppingOffsetsInitializer().getPartitionOffsets(ALL, offsets))
                .isEmpty();
    }

    /** Offsets of three partitions, without a broker. */
    private static final class FakeOffsets implements OffsetsInitializer.PartitionOffsetsRetriever {

        final List<Long> searchedTimestamps = new ArrayList<>();

        @Override
        public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
            return partitions.contains(P0) ? Map.of(P0, 55L) : Map.of();
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            return select(partitions, Map.of(P0, 100L, P1, 200L, P2, 300L));
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            return select(partitions, Map.of(P0, 10L, P1, 20L, P2, 30L));
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
            searchedTimestamps.addAll(timestamps.values());
            Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
            if (timestamps.containsKey(P0)) {
                found.put(P0, new OffsetAndTimestamp(40L, 1_001L));
            }
            if (timestamps.containsKey(P1)) {
                found.put(P1, new OffsetAndTimestamp(120L, 1_500L));
            }
            return found;
        }

        private static Map<TopicPartition, Long> select(
                Collection<TopicPartition> partitions, Map<TopicPartition, Long> all) {
            Map<TopicPartition, Long> selected = new HashMap<>();
            partitions.forEach(p -> selected.put(p, all.get(p)));
            return selected;
        }
    }
}
