package io.millrace.flink.sink;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import javax.annotation.Nullable;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.IOUtils;
import org.apache.kafka.clients.admin.Admin;

/**
 * A Flink sink (Sink V2) writing to Millrace topics through kafka-clients, the counterpart of
 * Flink's {@code KafkaSink}: build it with {@link #builder()} and the same methods.
 *
 * <pre>{@code
 * MillraceSink<String> sink = MillraceSink.<String>builder()
 *         .setBootstrapServers("localhost:9092")
 *         .setRecordSerializer(MillraceRecordSerializationSchema.builder()
 *                 .setTopic("payments:checked")
 *                 .setValueSerializationSchema(new SimpleStringSchema())
 *                 .build())
 *         .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
 *         .setTransactionalIdPrefix("payments-checker")
 *         .build();
 * }</pre>
 *
 * <p>Exactly once, each writer writes the records between two checkpoints in one transaction, which
 * the committer commits when the checkpoint completes ({@link ExactlyOnceWriter},
 * {@link MillraceCommitter}), also after a restart of the job or the broker. A restored or restarted
 * job first aborts the transactions an earlier run left open, so none holds back
 * {@code read_committed} readers; a few transactional ids per writer are reused for the job's life.
 *
 * <p>Immutable and serializable; Flink gives each subtask its own copy.
 *
 * @param <IN> the type of the sink's elements
 */
@PublicEvolving
public final class MillraceSink<IN>
        implements Sink<IN>, SupportsWriterState<IN, MillraceWriterState>, SupportsCommitter<MillraceCommittable> {

    private static final long serialVersionUID = 1L;

    private final DeliveryGuarantee deliveryGuarantee;
    private final Properties producerConfig;

    @Nullable
    private final String transactionalIdPrefix;

    private final MillraceRecordSerializationSchema<IN> recordSerializer;

    MillraceSink(
            DeliveryGuarantee deliveryGuarantee,
            Properties producerConfig,
            @Nullable String transactionalIdPrefix,
            MillraceRecordSerializationSchema<IN> recordSerializer) {
        this.deliveryGuarantee = deliveryGuarantee;
        this.producerConfig = producerConfig;
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.recordSerializer = recordSerializer;
    }

    /** A builder with the methods of {@code KafkaSink.builder()}. */
    public static <IN> MillraceSinkBuilder<IN> builder() {
        return new MillraceSinkBuilder<>();
    }

    @Internal
    @Override
    public MillraceSinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Internal
    @Override
    public MillraceSinkWriter<IN> restoreWriter(WriterInitContext context, Collection<MillraceWriterState> recovered)
            throws IOException {
        TaskInfo task = context.getTaskInfo();
        WriterSinkContext sinkContext =
                new WriterSinkContext(task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(), producerConfig);
        try {
            recordSerializer.open(context.asSerializationSchemaInitializationContext(), sinkContext);
            RecordSender<IN> sender = new RecordSender<>(
                    recordSerializer, sinkContext, context.metricGroup(), context.getMailboxExecutor());
            if (deliveryGuarantee != DeliveryGuarantee.EXACTLY_ONCE) {
                abortLeftovers(recovered, task);
                return new NonTransactionalWriter<>(
                        deliveryGuarantee, sender, sinkContext, SinkClients.producer(producerConfig));
            }
            SpaceOwnership ownership = SpaceOwnership.of(
                    transactionalIdPrefix, task.getIndexOfThisSubtask(), task.getNumberOfParallelSubtasks(), recovered);
            ExactlyOnceWriter<IN> writer = new ExactlyOnceWriter<>(
                    producerConfig,
                    transactionalIdPrefix,
                    sender,
                    sinkContext,
                    context.getProcessingTimeService(),
                    ownership,
                    SinkClients.admin(producerConfig),
                    CommittedTransactions.shared(),
                    context.getJobInfo().getJobId().toString());
            try {
                writer.initialize();
            } catch (IOException | RuntimeException e) {
                IOUtils.closeQuietly(writer);
                throw e;
            }
            return writer;
        } catch (IOException | RuntimeException e) {
            IOUtils.closeQuietly(sinkContext);
            throw e;
        } catch (Exception e) {
            IOUtils.closeQuietly(sinkContext);
            throw new IOException("Cannot open the record serializer", e);
        }
    }

    /**
     * A job that ran exactly once and now runs with a weaker guarantee still aborts the transactions
     * its earlier run left open; the committer commits the pre-committed ones of its checkpoint.
     */
    private void abortLeftovers(Collection<MillraceWriterState> recovered, TaskInfo task) throws IOException {
        if (recovered.isEmpty()) {
            return;
        }
        SpaceOwnership ownership = SpaceOwnership.of(
                recovered.iterator().next().transactionalIdPrefix(),
                task.getIndexOfThisSubtask(),
                task.getNumberOfParallelSubtasks(),
                recovered);
        try (Admin admin = SinkClients.admin(producerConfig)) {
            LingeringTransactions.abort(admin, ownership);
        }
    }

    @Internal
    @Override
    public Committer<MillraceCommittable> createCommitter(CommitterInitContext context) {
        return new MillraceCommitter(
                producerConfig,
                CommittedTransactions.shared(),
                context.getJobInfo().getJobId().toString());
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<MillraceCommittable> getCommittableSerializer() {
        return new MillraceCommittableSerializer();
    }

    @Internal
    @Override
    public SimpleVersionedSerializer<MillraceWriterState> getWriterStateSerializer() {
        return new MillraceWriterStateSerializer();
    }

    /** The delivery guarantee. */
    public DeliveryGuarantee getDeliveryGuarantee() {
        return deliveryGuarantee;
    }
}
