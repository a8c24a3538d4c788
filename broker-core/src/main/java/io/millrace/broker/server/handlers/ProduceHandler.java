package io.millrace.broker.server.handlers;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.VerificationGuard;
import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse.RecordError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: appends each partition's batch and answers according to {@code acks}:
 * <ul>
 *   <li>{@code acks=0}: no response; a failure closes the connection so the client notices;</li>
 *   <li>{@code acks=1}: answered once the batch is written to the log;</li>
 *   <li>{@code acks=all}: answered once the batch is fsynced (group commit), or with
 *       REQUEST_TIMED_OUT for partitions not durable within the request's timeout.</li>
 * </ul>
 * Appends run on the event loop (a page-cache write); durability completions hop back to it.
 * Topics the broker owns ({@code __consumer_offsets}, {@code __transaction_state}) refuse client
 * batches with INVALID_TOPIC_EXCEPTION. A batch refused for some of its records answers with their
 * indexes and messages in {@code record_errors} (KIP-467, versions 8 and later).
 *
 * <p>Transactional batches (transactions V1: the partition must have been added with
 * AddPartitionsToTxn): the first batch of a producer's transaction on a partition is appended only
 * after the transaction coordinator confirmed the partition is part of the transaction
 * ({@link TxnVerifier}, KIP-890); the batch is copied while it waits, since the request's buffers
 * are released when the handler returns. Later batches of the open transaction go straight in,
 * unless earlier requests of the producer to the partition still wait: then they wait their turn
 * ({@link TransactionalAppendOrder}), so that no batch overtakes an earlier one.
 */
public final class ProduceHandler extends VersionedHandler<ProduceRequest> {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final TopicManager topics;
    private final TxnVerifier verifier;
    private final TransactionalAppendOrder order = new TransactionalAppendOrder();

    /** @param verifier the transaction coordinator's verification, or {@link TxnVerifier#DISABLED} */
    public ProduceHandler(TopicManager topics, TxnVerifier verifier) {
        super(ApiKeys.PRODUCE, 3, 13);
        this.topics = topics;
        this.verifier = verifier;
    }

    @Override
    public void handle(RequestContext context, ProduceRequest request, Responder responder) {
        ProduceRequestData data = request.data();
        short acks = data.acks();
        ProduceResponseData response = new ProduceResponseData();
        AckTracker tracker = new AckTracker(context, responder, response);
        boolean byId = context.apiVersion() >= 13;
        boolean anyError = false;
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse();
            Optional<TopicState> state;
            if (byId) {
                topicResponse.setTopicId(topicData.topicId());
                state = topics.topic(topicData.topicId());
            } else {
                topicResponse.setName(topicData.name());
                state = topics.topic(topicData.name());
            }
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse()
                        .setIndex(partitionData.index())
                        .setBaseOffset(-1L)
                        .setLogAppendTimeMs(-1L)
                        .setLogStartOffset(-1L);
                topicResponse.partitionResponses().add(pr);
                Errors error;
                if (acks != -1 && acks != 0 && acks != 1) {
                    error = fail(pr, Errors.INVALID_REQUIRED_ACKS, "acks must be -1 (all), 0 or 1, not " + acks);
                } else if (state.isEmpty()) {
                    error = fail(pr, byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                } else if (topics.isBrokerOwned(state.get().name())) {
                    error = fail(
                            pr,
                            Errors.INVALID_TOPIC_EXCEPTION,
                            "Cannot append to internal topic " + state.get().name());
                } else {
                    Partition partition = state.get().partition(partitionData.index());
                    error = partition == null
                            ? fail(pr, Errors.UNKNOWN_TOPIC_OR_PARTITION, null)
                            : append(context, partition, data.transactionalId(), partitionData, acks, pr, tracker);
                }
                anyError |= error != Errors.NONE;
            }
        }
        if (acks == 0) {
            if (anyError) {
                responder.closeConnection("an acks=0 produce request failed: " + summarize(response));
            } else {
                responder.respondNothing();
            }
            return;
        }
        tracker.sealed(data.timeoutMs());
    }

    private Errors append(
            RequestContext context,
            Partition partition,
            String transactionalId,
            ProduceRequestData.PartitionProduceData data,
            short acks,
            PartitionProduceResponse pr,
            AckTracker tracker) {
        if (!(data.records() instanceof MemoryRecords records) || records.sizeInBytes() == 0) {
            return fail(
                    pr, Errors.INVALID_RECORD, "the request carries no record batch for " + partition.topicPartition());
        }
        if (acks == -1 && partition.config().minInSyncReplicas() > 1) {
            return fail(
                    pr,
                    Errors.NOT_ENOUGH_REPLICAS,
                    "min.insync.replicas="
                            + partition.config().minInSyncReplicas() + " but " + partition.topicPartition()
                            + " has a single replica on this node");
        }
        VerificationGuard guard = VerificationGuard.NONE;
        RecordBatch first = records.batches().iterator().next();
        if (first.isTransactional() && acks != 0) {
            guard = verifier == TxnVerifier.DISABLED
                    ? VerificationGuard.DISABLED
                    : partition.startTxnVerification(first.producerId());
            if (guard != VerificationGuard.DISABLED) {
                verifyThenAppend(
                        context, partition, transactionalId, first, copy(records.buffer()), guard, acks, pr, tracker);
                return Errors.NONE;
            }
            if (order.isWaiting(partition.topicPartition(), first.producerId())) {
                appendInTurn(context, partition, first.producerId(), copy(records.buffer()), acks, pr, tracker);
                return Errors.NONE;
            }
        }
        return appendNow(context, partition, records.buffer(), guard, acks, pr, tracker);
    }

    /** Appends a batch of the producer's open transaction after its earlier requests that still wait. */
    private void appendInTurn(
            RequestContext context,
            Partition partition,
            long producerId,
            ByteBuffer batch,
            short acks,
            PartitionProduceResponse pr,
            AckTracker tracker) {
        tracker.hold(pr);
        TransactionalAppendOrder.Turn turn = order.join(partition.topicPartition(), producerId, context);
        order.ready(turn, () -> {
            if (!tracker.isAnswered()) {
                Errors appended = appendNow(context, partition, batch, VerificationGuard.DISABLED, acks, pr, tracker);
                tracker.release(pr, appended, null);
            }
        });
    }

    /** Appends once the coordinator confirmed the partition is part of the producer's transaction. */
    private void verifyThenAppend(
            RequestContext context,
            Partition partition,
            String transactionalId,
            RecordBatch first,
            ByteBuffer batch,
            VerificationGuard guard,
            short acks,
            PartitionProduceResponse pr,
            AckTracker tracker) {
        tracker.hold(pr);
        if (transactionalId == null) {
            tracker.release(
                    pr,
                    Errors.INVALID_TXN_STATE,
                    "a transactional batch for " + partition.topicPartition()
                            + " in a produce request without transactional id");
            return;
        }
        TransactionalAppendOrder.Turn turn = order.join(partition.topicPartition(), first.producerId(), context);
        verifier.verify(
                transactionalId,
                first.producerId(),
                first.producerEpoch(),
                partition.topicPartition(),
                error -> context.execute(() -> order.ready(turn, () -> {
                    if (tracker.isAnswered()) {
                        return;
                    }
                    if (error != Errors.NONE) {
                        log.info(
                                "Refused a transactional produce to {} from {} (transactional id '{}', producer {}, epoch"
                                        + " {}): the transaction coordinator answered {}",
                                partition.topicPartition(),
                                context.describeClient(),
                                transactionalId,
                                first.producerId(),
                                first.producerEpoch(),
                                error.name());
                        tracker.release(
                                pr,
                                TxnVerifier.produceError(error, context.apiVersion()),
                                "the partition is not" + " part of the producer's open transaction (" + error.name()
                                        + ")");
                        return;
                    }
                    Errors appended = appendNow(context, partition, batch, guard, acks, pr, tracker);
                    tracker.release(pr, appended, null);
                })));
    }

    private static ByteBuffer copy(ByteBuffer source) {
        ByteBuffer copy = ByteBuffer.allocate(source.remaining());
        copy.put(source.duplicate());
        return copy.flip();
    }

    private Errors appendNow(
            RequestContext context,
            Partition partition,
            ByteBuffer batch,
            VerificationGuard guard,
            short acks,
            PartitionProduceResponse pr,
            AckTracker tracker) {
        AppendResult result = partition.append(batch, AppendOrigin.CLIENT, guard);
        pr.setLogStartOffset(result.logStartOffset());
        if (!result.succeeded()) {
            log.info(
                    "Rejected a produce to {} from {}: {} {}",
                    partition.topicPartition(),
                    context.describeClient(),
                    result.error().name(),
                    result.errorMessage() == null ? "" : result.errorMessage());
            fail(pr, result.error(), result.errorMessage());
            for (RecordError e : result.recordErrors()) {
                pr.recordErrors()
                        .add(new BatchIndexAndErrorMessage()
                                .setBatchIndex(e.batchIndex)
                                .setBatchIndexErrorMessage(e.message));
            }
            return result.error();
        }
        pr.setBaseOffset(result.baseOffset()).setLogAppendTimeMs(result.logAppendTime());
        if (acks == -1) {
            tracker.await(partition, result.lastOffset() + 1, pr);
        }
        return Errors.NONE;
    }

    private static Errors fail(PartitionProduceResponse pr, Errors error, String message) {
        pr.setErrorCode(error.code())
                .setErrorMessage(message)
                .setBaseOffset(-1L)
                .setLogAppendTimeMs(-1L);
        return error;
    }

    private static String summarize(ProduceResponseData response) {
        List<String> errors = new ArrayList<>();
        for (TopicProduceResponse t : response.responses()) {
            for (PartitionProduceResponse p : t.partitionResponses()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    errors.add((t.name() != null ? t.name() : t.topicId().toString()) + "-" + p.index() + ": "
                            + Errors.forCode(p.errorCode()).name());
                }
            }
        }
        return String.join(", ", errors);
    }

    /**
     * Counts the partitions of one acks=all request still waiting for fsync; answers when none
     * are left or the request times out. Confined to the connection's event loop.
     */
    private static final class AckTracker {
        private final RequestContext context;
        private final Responder responder;
        private final ProduceResponseData response;
        // A request names few partitions: small lists, searched by identity, are cheaper than sets.
        private final List<PartitionProduceResponse> waiting = new ArrayList<>(2);
        private final List<PartitionProduceResponse> durabilityPending = new ArrayList<>(2);
        private boolean sealed;
        private boolean answered;
        private io.netty.util.concurrent.ScheduledFuture<?> timeout;

        AckTracker(RequestContext context, Responder responder, ProduceResponseData response) {
            this.context = context;
            this.responder = responder;
            this.response = response;
        }

        /** The partition's answer waits (for the transaction coordinator). */
        void hold(PartitionProduceResponse pr) {
            addIdentical(waiting, pr);
        }

        /**
         * The partition's wait is over: with an error (already recorded in {@code pr} when
         * {@code message} is null) or, for a successful append, unless it now waits for durability.
         */
        void release(PartitionProduceResponse pr, Errors error, String message) {
            if (answered) {
                return;
            }
            if (error != Errors.NONE) {
                if (message != null) {
                    fail(pr, error, message);
                }
                removeIdentical(waiting, pr);
            } else if (!containsIdentical(durabilityPending, pr)) {
                removeIdentical(waiting, pr);
            }
            maybeAnswer();
        }

        boolean isAnswered() {
            return answered;
        }

        void await(Partition partition, long offsetExclusive, PartitionProduceResponse pr) {
            addIdentical(durabilityPending, pr);
            addIdentical(waiting, pr);
            partition.whenDurable(
                    offsetExclusive,
                    error -> context.execute(() -> {
                        if (answered) {
                            return;
                        }
                        if (error != Errors.NONE) {
                            fail(
                                    pr,
                                    error,
                                    "the write to " + partition.topicPartition() + " could not be made durable");
                        }
                        removeIdentical(durabilityPending, pr);
                        removeIdentical(waiting, pr);
                        maybeAnswer();
                    }));
        }

        void sealed(int timeoutMs) {
            sealed = true;
            if (!waiting.isEmpty() && !answered) {
                timeout = context.schedule(this::timedOut, Math.max(0, timeoutMs));
            }
            maybeAnswer();
        }

        private void timedOut() {
            if (answered) {
                return;
            }
            for (PartitionProduceResponse pr : waiting) {
                fail(
                        pr,
                        Errors.REQUEST_TIMED_OUT,
                        "the write was not fsynced within the request timeout; " + "it may still become durable");
            }
            log.warn(
                    "Produce from {} timed out waiting for fsync on {} partition(s); is the disk slow?",
                    context.describeClient(),
                    waiting.size());
            waiting.clear();
            maybeAnswer();
        }

        private static void addIdentical(List<PartitionProduceResponse> list, PartitionProduceResponse pr) {
            if (!containsIdentical(list, pr)) {
                list.add(pr);
            }
        }

        private static boolean containsIdentical(List<PartitionProduceResponse> list, PartitionProduceResponse pr) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == pr) {
                    return true;
                }
            }
            return false;
        }

        private static void removeIdentical(List<PartitionProduceResponse> list, PartitionProduceResponse pr) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == pr) {
                    list.remove(i);
                    return;
                }
            }
        }

        private void maybeAnswer() {
            if (sealed && waiting.isEmpty() && !answered) {
                answered = true;
                if (timeout != null) {
                    timeout.cancel(false);
                }
                responder.respond(response);
            }
        }
    }
}
