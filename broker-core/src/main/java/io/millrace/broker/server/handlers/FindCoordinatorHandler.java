package io.millrace.broker.server.handlers;

import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.List;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator (v0-6, batched keys from v4): this node coordinates every group and every
 * transactional id (an empty transactional id is INVALID_REQUEST, as in Kafka). Share groups are not
 * supported (INVALID_REQUEST).
 */
public final class FindCoordinatorHandler extends VersionedHandler<FindCoordinatorRequest> {

    static final String NO_SHARE_GROUPS = "share groups are not supported by this Millrace version";

    private final ClusterInfo cluster;

    public FindCoordinatorHandler(ClusterInfo cluster) {
        super(ApiKeys.FIND_COORDINATOR, 0, 6);
        this.cluster = cluster;
    }

    @Override
    public void handle(RequestContext context, FindCoordinatorRequest request, Responder responder) {
        FindCoordinatorRequestData data = request.data();
        short version = context.apiVersion();
        byte keyType = version >= 1 ? data.keyType() : CoordinatorType.GROUP.id();
        Endpoint self = cluster.advertisedFor(context.listener());
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (version >= 4) {
            for (String key : data.coordinatorKeys()) {
                response.coordinators().add(coordinator(key, keyType, self));
            }
        } else {
            Coordinator c = coordinator(data.key(), keyType, self);
            response.setErrorCode(c.errorCode())
                    .setErrorMessage(version >= 1 ? c.errorMessage() : null)
                    .setNodeId(c.nodeId())
                    .setHost(c.host())
                    .setPort(c.port());
        }
        responder.respond(response);
    }

    private Coordinator coordinator(String key, byte keyType, Endpoint self) {
        Coordinator c = new Coordinator().setKey(key);
        Errors error;
        String message;
        boolean transaction = keyType == CoordinatorType.TRANSACTION.id();
        if (keyType == CoordinatorType.GROUP.id() || (transaction && key != null && !key.isEmpty())) {
            return c.setErrorCode(Errors.NONE.code())
                    .setNodeId(cluster.nodeId())
                    .setHost(self.host())
                    .setPort(self.port());
        } else if (transaction) {
            error = Errors.INVALID_REQUEST;
            message = "the transactional id is empty";
        } else if (keyType == CoordinatorType.SHARE.id()) {
            error = Errors.INVALID_REQUEST;
            message = NO_SHARE_GROUPS;
        } else {
            error = Errors.INVALID_REQUEST;
            message = "unknown coordinator key type " + keyType + "; known types are " + List.of(0, 1, 2);
        }
        return c.setErrorCode(error.code())
                .setErrorMessage(message)
                .setNodeId(-1)
                .setHost("")
                .setPort(-1);
    }
}
