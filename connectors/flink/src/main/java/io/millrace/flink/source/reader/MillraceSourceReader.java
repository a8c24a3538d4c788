package io.millrace.flink.source.reader;

import io.millrace.flink.source.split.MillraceSplit;
import io.millrace.flink.source.split.MillraceSplitState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source reader of one subtask: its splits are read by a single fetcher thread
 * ({@link MillraceSplitReader}) and emitted on the task thread ({@link MillraceRecordEmitter}).
 * Splits' positions live in Flink's checkpoints; when a checkpoint completes, its positions are
 * committed to the consumer group as well (unless {@code commit.offsets.on.checkpoint} is off), so
 * lag shows in {@code kafka-consumer-groups}. A failed commit is counted and logged, never fatal:
 * the next checkpoint commits newer positions.
 *
 * <p>Not thread-safe: Flink calls it from the task thread; commit results arrive on the fetcher
 * thread and touch only thread-safe parts.
 */
@Internal
@SuppressWarnings("try") // close() is the reader base's
public final class MillraceSourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<FetchedRecord, T, MillraceSplit, MillraceSplitState> {

    private static final Logger LOG = LoggerFactory.getLogger(MillraceSourceReader.class);

    private final MillraceFetcherManager fetchers;
    private final MillraceSourceReaderMetrics metrics;
    private final boolean commitOffsetsOnCheckpoint;
    private final PendingOffsetCommits pendingCommits = new PendingOffsetCommits();

    MillraceSourceReader(
            MillraceFetcherManager fetchers,
            MillraceRecordEmitter<T> emitter,
            Configuration config,
            SourceReaderContext context,
            MillraceSourceReaderMetrics metrics,
            boolean commitOffsetsOnCheckpoint) {
        super(fetchers, emitter, config, context);
        this.fetchers = fetchers;
        this.metrics = metrics;
        this.commitOffsetsOnCheckpoint = commitOffsetsOnCheckpoint;
    }

    @Override
    protected MillraceSplitState initializedState(MillraceSplit split) {
        return new MillraceSplitState(split);
    }

    @Override
    protected MillraceSplit toSplitType(String splitId, MillraceSplitState state) {
        return state.toSplit();
    }

    @Override
    protected void onSplitFinished(Map<String, MillraceSplitState> finishedSplits) {
        if (commitOffsetsOnCheckpoint) {
            finishedSplits
                    .values()
                    .forEach(state ->
                            pendingCommits.splitFinished(state.initialSplit().partition(), state.nextOffset()));
        }
    }

    @Override
    public List<MillraceSplit> snapshotState(long checkpointId) {
        List<MillraceSplit> splits = super.snapshotState(checkpointId);
        if (commitOffsetsOnCheckpoint) {
            pendingCommits.snapshot(checkpointId, splits);
        }
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        if (!commitOffsetsOnCheckpoint) {
            return;
        }
        pendingCommits.offsetsOf(checkpointId).ifPresent(offsets -> commit(checkpointId, offsets));
    }

    private void commit(long checkpointId, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            pendingCommits.committed(checkpointId, offsets);
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        offsets.forEach((partition, offset) -> commits.put(partition, new OffsetAndMetadata(offset)));
        fetchers.commitOffsets(commits, (committed, failure) -> {
            if (failure != null) {
                metrics.commitFailed();
                LOG.warn("Committing the offsets of checkpoint {} to the consumer group failed", checkpointId, failure);
                return;
            }
            metrics.commitSucceeded();
            offsets.forEach(metrics::recordCommittedOffset);
            pendingCommits.committed(checkpointId, offsets);
        });
    }
}
