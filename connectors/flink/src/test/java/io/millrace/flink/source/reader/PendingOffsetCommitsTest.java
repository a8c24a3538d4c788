package io.millrace.flink.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.split.MillraceSplit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PendingOffsetCommitsTest {

    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    private final PendingOffsetCommits pending = new PendingOffsetCommits();

    @Test
    void aCheckpointCommitsItsSplitsPositionsAndFinishedSplits() {
        pending.splitFinished(B, 30);
        pending.snapshot(1, List.of(new MillraceSplit(A, 12)));

        assertThat(pending.offsetsOf(1)).hasValue(Map.of(A, 12L, B, 30L));
        assertThat(pending.offsetsOf(2)).isEmpty();
    }

    @Test
    void aCommitForgetsItsCheckpointTheOlderOnesAndTheFinishedSplitsItCommitted() {
        pending.splitFinished(B, 30);
        pending.snapshot(1, List.of(new MillraceSplit(A, 12)));
        pending.snapshot(2, List.of(new MillraceSplit(A, 15)));
        pending.snapshot(3, List.of(new MillraceSplit(A, 19)));

        pending.committed(2, pending.offsetsOf(2).orElseThrow());
        pending.snapshot(4, List.of(new MillraceSplit(A, 20)));

        assertThat(pending.offsetsOf(1)).isEmpty();
        assertThat(pending.offsetsOf(2)).isEmpty();
        assertThat(pending.offsetsOf(3)).hasValue(Map.of(A, 19L, B, 30L));
        assertThat(pending.offsetsOf(4)).hasValue(Map.of(A, 20L));
    }
}
