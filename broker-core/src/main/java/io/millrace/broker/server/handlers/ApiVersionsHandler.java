package io.millrace.broker.server.handlers;

import io.millrace.broker.server.ApiHandler;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.Collection;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions: advertises exactly the keys and version ranges that have handlers. Unknown
 * higher versions are answered by the connection at v0 with UNSUPPORTED_VERSION (KIP-511).
 * No feature flags are advertised, so clients use their pre-feature protocol paths.
 */
public final class ApiVersionsHandler extends VersionedHandler<ApiVersionsRequest> {

    /** KIP-511: what a client may call itself. */
    private static final Pattern SOFTWARE = Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");

    private final Supplier<Collection<ApiHandler<?>>> handlers;
    private final String clusterId;

    public ApiVersionsHandler(Supplier<Collection<ApiHandler<?>>> handlers, String clusterId) {
        super(ApiKeys.API_VERSIONS, 0, 5);
        this.handlers = handlers;
        this.clusterId = clusterId;
    }

    @Override
    public void handle(RequestContext context, ApiVersionsRequest request, Responder responder) {
        ApiVersionsResponseData response = new ApiVersionsResponseData();
        ApiVersionsRequestData data = request.data();
        if (context.apiVersion() >= 3
                && (!SOFTWARE.matcher(nullToEmpty(data.clientSoftwareName())).matches()
                        || !SOFTWARE.matcher(nullToEmpty(data.clientSoftwareVersion()))
                                .matches())) {
            responder.respond(response.setErrorCode(Errors.INVALID_REQUEST.code()));
            return;
        }
        if (context.apiVersion() >= 5
                && data.clusterId() != null
                && !data.clusterId().equals(clusterId)) {
            responder.respond(response.setErrorCode(Errors.INCONSISTENT_CLUSTER_ID.code()));
            return;
        }
        handlers.get().stream()
                .sorted(Comparator.comparingInt(h -> h.apiKey().id))
                .forEach(h -> response.apiKeys()
                        .add(new ApiVersionsResponseData.ApiVersion()
                                .setApiKey(h.apiKey().id)
                                .setMinVersion(h.minVersion())
                                .setMaxVersion(h.maxVersion())));
        responder.respond(response.setErrorCode(Errors.NONE.code()));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
