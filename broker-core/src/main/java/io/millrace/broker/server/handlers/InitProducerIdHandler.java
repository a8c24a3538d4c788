package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.ProducerIdManager;
import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId. Without a transactional id (idempotent producers) every call gets a fresh
 * producer id with epoch 0, as Kafka does; reserving ids may touch the disk, so that work runs on
 * the admin executor. With a transactional id the transaction coordinator answers: a new producer
 * id or the next epoch, fencing older instances ({@link TransactionCoordinator#initProducerId}).
 * Two-phase commit (KIP-939: enable2Pc, keepPreparedTxn, v6) is not supported: INVALID_REQUEST.
 */
public final class InitProducerIdHandler extends VersionedHandler<InitProducerIdRequest> {

    private static final Logger log = LoggerFactory.getLogger(InitProducerIdHandler.class);

    private final ProducerIdManager producerIds;
    private final TransactionCoordinator transactions;
    private final Executor adminExecutor;

    public InitProducerIdHandler(
            ProducerIdManager producerIds, TransactionCoordinator transactions, Executor adminExecutor) {
        super(ApiKeys.INIT_PRODUCER_ID, 0, 6);
        this.producerIds = producerIds;
        this.transactions = transactions;
        this.adminExecutor = adminExecutor;
    }

    @Override
    public void handle(RequestContext context, InitProducerIdRequest request, Responder responder) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response =
                new InitProducerIdResponseData().setProducerId(-1L).setProducerEpoch((short) -1);
        String transactionalId = data.transactionalId();
        if (transactionalId == null) {
            BlockingWork.respondOn(adminExecutor, context, request, responder, () -> {
                try {
                    long id = producerIds.nextProducerId();
                    return response.setErrorCode(Errors.NONE.code())
                            .setProducerId(id)
                            .setProducerEpoch((short) 0);
                } catch (ApiException e) {
                    return response.setErrorCode(Errors.forException(e).code());
                }
            });
            return;
        }
        if (transactionalId.isEmpty() || data.enable2Pc() || data.keepPreparedTxn()) {
            if (!transactionalId.isEmpty()) {
                log.info(
                        "Refusing InitProducerId for transactional id '{}' from {}: two-phase commit (KIP-939) is not"
                                + " supported",
                        transactionalId,
                        context.describeClient());
            }
            responder.respond(response.setErrorCode(Errors.INVALID_REQUEST.code()));
            return;
        }
        transactions.initProducerId(
                transactionalId,
                data.transactionTimeoutMs(),
                data.producerId(),
                data.producerEpoch(),
                result -> responder.respond(response.setErrorCode(result.error().code())
                        .setProducerId(result.producerId())
                        .setProducerEpoch(result.producerEpoch())));
    }
}
