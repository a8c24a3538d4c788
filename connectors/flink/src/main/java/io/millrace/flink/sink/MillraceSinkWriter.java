package io.millrace.flink.sink;

import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;

/**
 * A writer of the sink: it checkpoints {@link MillraceWriterState}s (exactly-once only) and hands
 * {@link MillraceCommittable}s to the committer (exactly-once only).
 *
 * @param <IN> the type of the sink's elements
 */
interface MillraceSinkWriter<IN>
        extends StatefulSinkWriter<IN, MillraceWriterState>, CommittingSinkWriter<IN, MillraceCommittable> {}
