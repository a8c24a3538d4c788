package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.ProducerIdManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.VersionedHandler;
import io.millrace.broker.server.Responder;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId for idempotent producers: every call gets a fresh producer id with epoch 0
 * (as Kafka does without a transactional id). Reserving ids may touch the disk, so the work
 * runs on the admin executor. Transactional ids are refused until transactions are
 * supported; clients rarely get that far, since FindCoordinator for a transaction coordinator
 * answers COORDINATOR_NOT_AVAILABLE.
 */
public final class InitProducerIdHandler extends VersionedHandler<InitProducerIdRequest> {

    private static final Logger log = LoggerFactory.getLogger(InitProducerIdHandler.class);

    private final ProducerIdManager producerIds;
    private final Executor adminExecutor;

    public InitProducerIdHandler(ProducerIdManager producerIds, Executor adminExecutor) {
        super(ApiKeys.INIT_PRODUCER_ID, 0, 6);
        this.producerIds = producerIds;
        this.adminExecutor = adminExecutor;
    }

    @Override
    public void handle(RequestContext context, InitProducerIdRequest request, Responder responder) {
        InitProducerIdResponseData response = new InitProducerIdResponseData()
            .setProducerId(-1L).setProducerEpoch((short) -1);
        if (request.data().transactionalId() != null) {
            log.info("Refusing InitProducerId with transactional id '{}' from {}: transactions are not supported "
                + "by this Millrace version", request.data().transactionalId(), context.describeClient());
            responder.respond(response.setErrorCode(Errors.INVALID_REQUEST.code()));
            return;
        }
        BlockingWork.respondOn(adminExecutor, context, request, responder, () -> {
            try {
                long id = producerIds.nextProducerId();
                return response.setErrorCode(Errors.NONE.code()).setProducerId(id).setProducerEpoch((short) 0);
            } catch (ApiException e) {
                return response.setErrorCode(Errors.forException(e).code());
            }
        });
    }
}
