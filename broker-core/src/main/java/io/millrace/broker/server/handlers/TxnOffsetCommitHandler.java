package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.log.VerificationGuard;
import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TxnOffsetCommit v0-4 ({@code sendOffsetsToTransaction}): offsets committed within the
 * producer's transaction. The transaction coordinator first confirms that the group's
 * {@code __consumer_offsets} partition is part of the transaction (AddOffsetsToTxn) with the
 * producer's current epoch (KIP-890 verification); then the group coordinator checks the consumer
 * group metadata (KIP-447) and writes the offsets, which stay pending until the transaction's
 * marker. Versions 5 (transactions V2) and 6 (topic ids) are not served.
 */
public final class TxnOffsetCommitHandler extends VersionedHandler<TxnOffsetCommitRequest> {

    private static final Logger log = LoggerFactory.getLogger(TxnOffsetCommitHandler.class);

    private final GroupCoordinator groups;
    private final TopicManager topics;
    private final String offsetsTopic;
    private final TxnVerifier verifier;

    /** @param verifier the transaction coordinator's verification, or {@link TxnVerifier#DISABLED} */
    public TxnOffsetCommitHandler(
            GroupCoordinator groups, TopicManager topics, String offsetsTopic, TxnVerifier verifier) {
        super(ApiKeys.TXN_OFFSET_COMMIT, 0, 4);
        this.groups = groups;
        this.topics = topics;
        this.offsetsTopic = offsetsTopic;
        this.verifier = verifier;
    }

    @Override
    public void handle(RequestContext context, TxnOffsetCommitRequest request, Responder responder) {
        TxnOffsetCommitRequestData data = request.data();
        if (TxnErrors.refusedWithoutTransactionalId(data.transactionalId(), request, responder)
                || TxnErrors.refusedWithoutGroupId(data.groupId(), request, responder)) {
            return;
        }
        int index = groups.partitionFor(data.groupId());
        Partition partition = topics.partition(offsetsTopic, index);
        if (partition == null) {
            responder.respond(request.getErrorResponse(0, Errors.COORDINATOR_NOT_AVAILABLE.exception())
                    .data());
            return;
        }
        VerificationGuard guard = verifier == TxnVerifier.DISABLED
                ? VerificationGuard.DISABLED
                : partition.startTxnVerification(data.producerId());
        if (guard == VerificationGuard.DISABLED) {
            commit(context, request, responder, guard);
            return;
        }
        short version = context.apiVersion();
        verifier.verify(
                data.transactionalId(), data.producerId(), data.producerEpoch(), partition.topicPartition(), error -> {
                    if (error == Errors.NONE) {
                        commit(context, request, responder, guard);
                        return;
                    }
                    log.info(
                            "Refused TxnOffsetCommit of group '{}' from {} (transactional id '{}'): the transaction"
                                    + " coordinator answered {}",
                            data.groupId(),
                            context.describeClient(),
                            data.transactionalId(),
                            error.name());
                    responder.respond(request.getErrorResponse(
                                    0, verificationError(error, version).exception())
                            .data());
                });
    }

    private void commit(
            RequestContext context, TxnOffsetCommitRequest request, Responder responder, VerificationGuard guard) {
        GroupReplies.answer(
                groups.commitTransactionalOffsets(GroupReplies.client(context), request.data(), guard),
                context,
                request,
                responder);
    }

    /** How a failed verification reaches the producer (the errors its TxnOffsetCommit handling knows). */
    static Errors verificationError(Errors error, short version) {
        if (error == Errors.TRANSACTION_ABORTABLE) {
            return version >= 4 ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
        }
        return TxnErrors.forVersion(error, version);
    }
}
