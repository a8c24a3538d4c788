package io.millrace.broker.server.handlers;

import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;

/**
 * DescribeCluster (v0–v2): this node is the only broker, reported with the address advertised
 * on the listener the request arrived on, and it is also the controller. It is never fenced.
 *
 * <p>As in Kafka, a broker only answers for broker endpoints: asking it for controllers
 * (endpoint type 2, what an admin client configured with {@code bootstrap.controllers} sends)
 * fails with MISMATCHED_ENDPOINT_TYPE, and an unknown endpoint type with
 * UNSUPPORTED_ENDPOINT_TYPE. Authorized operations are everything on the cluster, there being
 * no authorizer.
 */
public final class DescribeClusterHandler extends VersionedHandler<DescribeClusterRequest> {

    private final ClusterInfo cluster;

    public DescribeClusterHandler(ClusterInfo cluster) {
        super(ApiKeys.DESCRIBE_CLUSTER, 0, 2);
        this.cluster = cluster;
    }

    @Override
    public void handle(RequestContext context, DescribeClusterRequest request, Responder responder) {
        responder.respond(describe(context, request.data()));
    }

    private DescribeClusterResponseData describe(RequestContext context, DescribeClusterRequestData data) {
        EndpointType requested = EndpointType.fromId(data.endpointType());
        if (requested == EndpointType.UNKNOWN) {
            return new DescribeClusterResponseData()
                    .setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Unsupported endpoint type " + data.endpointType());
        }
        if (requested != EndpointType.BROKER) {
            return new DescribeClusterResponseData()
                    .setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint "
                            + "of type " + requested + ". Millrace runs as a single combined node: send the request to "
                            + "its broker listener with bootstrap.servers.");
        }
        Endpoint advertised = cluster.advertisedFor(context.listener());
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setErrorCode(Errors.NONE.code())
                .setEndpointType(EndpointType.BROKER.id())
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.nodeId())
                .setClusterAuthorizedOperations(
                        data.includeClusterAuthorizedOperations() ? Ops.CLUSTER : Ops.NOT_REQUESTED);
        response.brokers()
                .add(new DescribeClusterResponseData.DescribeClusterBroker()
                        .setBrokerId(cluster.nodeId())
                        .setHost(advertised.host())
                        .setPort(advertised.port())
                        .setRack(cluster.rack())
                        .setIsFenced(false));
        return response;
    }
}
