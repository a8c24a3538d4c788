package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.DynamicBrokerConfig;
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
 * AlterConfigs (v0–v2), the legacy non-incremental API: the configs given for a resource replace
 * all of its values. For a topic they are its overrides (keys left out return to the broker's
 * values), validated as at topic creation; for a broker resource they are the dynamic values of
 * this broker or of the cluster default (keys left out return to the lower levels), validated
 * as Kafka validates them ({@link DynamicBrokerConfig#alter}). {@code validateOnly} checks
 * without changing anything. Persisting writes and fsyncs a metadata file, so requests run on
 * the admin executor.
 *
 * <p>Differences from Kafka: there is no {@code AlterConfigPolicy}.
 */
public final class AlterConfigsHandler extends BlockingHandler<AlterConfigsRequest> {

    private final TopicManager topics;
    private final DynamicBrokerConfig brokerConfig;
    private final ConfigAlteration alteration;

    public AlterConfigsHandler(TopicManager topics, DynamicBrokerConfig brokerConfig, Executor adminExecutor) {
        super(ApiKeys.ALTER_CONFIGS, 0, 2, adminExecutor);
        this.topics = topics;
        this.brokerConfig = brokerConfig;
        this.alteration = new ConfigAlteration(
                ApiKeys.ALTER_CONFIGS, brokerConfig.current().nodeId());
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
        alteration.alter(
                resource,
                topic -> topics.alterConfigs(topic, configs, validateOnly),
                level -> brokerConfig.alter(level, current -> configs, validateOnly));
    }
}
