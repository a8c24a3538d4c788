package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
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
public final class AlterConfigsHandler extends BlockingHandler<AlterConfigsRequest> {

    private final TopicManager topics;
    private final ConfigAlteration alteration;

    public AlterConfigsHandler(TopicManager topics, int nodeId, Executor adminExecutor) {
        super(ApiKeys.ALTER_CONFIGS, 0, 2, adminExecutor);
        this.topics = topics;
        this.alteration = new ConfigAlteration(ApiKeys.ALTER_CONFIGS, nodeId);
    }

    @Override
    AlterConfigsResponseData respond(RequestContext context, AlterConfigsRequest request) {
        AlterConfigsRequestData data = request.data();
        return new AlterConfigsResponseData()
                .setResponses(alteration.alterEach(
                        data.resources(),
                        r -> new ConfigAlteration.Resource(r.resourceType(), r.resourceName()),
                        (resource, r) -> alterOne(resource, r.configs(), data.validateOnly()),
                        o -> new AlterConfigsResourceResponse()
                                .setResourceType(o.resource().type())
                                .setResourceName(o.resource().name())
                                .setErrorCode(o.error().code())
                                .setErrorMessage(o.message())));
    }

    private void alterOne(ConfigAlteration.Resource resource, Collection<AlterableConfig> given, boolean validateOnly) {
        Map<String, String> configs = new LinkedHashMap<>();
        List<String> nullValues = new ArrayList<>();
        for (AlterableConfig c : given) {
            if (configs.containsKey(c.name())) {
                throw new InvalidRequestException("Duplicate config key '" + c.name() + "' in one resource");
            }
            configs.put(c.name(), c.value());
            if (c.value() == null) {
                nullValues.add(c.name());
            }
        }
        ConfigAlteration.requireValues(nullValues);
        alteration.alter(resource, configs.keySet(), topic -> topics.alterConfigs(topic, configs, validateOnly));
    }
}
