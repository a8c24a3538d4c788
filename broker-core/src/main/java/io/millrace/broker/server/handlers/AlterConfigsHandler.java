package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterConfigsRequest;

/**
 * AlterConfigs (v0–v2), the legacy non-incremental API: the configs given for a topic replace
 * all of its overrides (keys left out return to the broker's values). Values are validated as
 * at topic creation; {@code validateOnly} checks without changing anything. Persisting writes
 * and fsyncs the topic's metadata file, so requests run on the admin executor.
 *
 * <p>Differences from Kafka: broker resources are refused with INVALID_REQUEST because Millrace
 * has no dynamic broker configuration (every broker key is read-only; set it in the properties
 * file and restart), even for keys Kafka could change at runtime. There is no
 * {@code AlterConfigPolicy}.
 */
public final class AlterConfigsHandler extends VersionedHandler<AlterConfigsRequest> {

    private final TopicManager topics;
    private final ConfigAlteration alteration;
    private final Executor adminExecutor;

    public AlterConfigsHandler(TopicManager topics, int nodeId, Executor adminExecutor) {
        super(ApiKeys.ALTER_CONFIGS, 0, 2);
        this.topics = topics;
        this.alteration = new ConfigAlteration(ApiKeys.ALTER_CONFIGS, nodeId);
        this.adminExecutor = adminExecutor;
    }

    @Override
    public void handle(RequestContext context, AlterConfigsRequest request, Responder responder) {
        AlterConfigsRequestData data = request.data();
        BlockingWork.respondOn(adminExecutor, context, request, responder, () -> alter(data));
    }

    private AlterConfigsResponseData alter(AlterConfigsRequestData data) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<ConfigAlteration.Outcome> outcomes = alteration.alterEach(
                data.resources(),
                r -> new ConfigAlteration.Resource(r.resourceType(), r.resourceName()),
                r -> alterOne(r, data.validateOnly()));
        for (ConfigAlteration.Outcome o : outcomes) {
            response.responses()
                    .add(new AlterConfigsResourceResponse()
                            .setResourceType(o.resource().type())
                            .setResourceName(o.resource().name())
                            .setErrorCode(o.error().code())
                            .setErrorMessage(o.message()));
        }
        return response;
    }

    private void alterOne(AlterConfigsResource resource, boolean validateOnly) {
        Map<String, String> configs = new LinkedHashMap<>();
        List<String> nullValues = new ArrayList<>();
        for (AlterableConfig c : resource.configs()) {
            if (configs.containsKey(c.name())) {
                throw new InvalidRequestException("Duplicate config key '" + c.name() + "' in one resource");
            }
            configs.put(c.name(), c.value());
            if (c.value() == null) {
                nullValues.add(c.name());
            }
        }
        ConfigAlteration.requireValues(nullValues);
        alteration.alter(
                new ConfigAlteration.Resource(resource.resourceType(), resource.resourceName()),
                configs.keySet(),
                topic -> topics.alterConfigs(topic, configs, validateOnly));
    }
}
