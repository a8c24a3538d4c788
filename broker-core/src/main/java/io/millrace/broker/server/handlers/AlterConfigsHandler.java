package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(AlterConfigsHandler.class);

    private final TopicManager topics;
    private final int nodeId;
    private final Executor adminExecutor;

    public AlterConfigsHandler(TopicManager topics, int nodeId, Executor adminExecutor) {
        super(ApiKeys.ALTER_CONFIGS, 0, 2);
        this.topics = topics;
        this.nodeId = nodeId;
        this.adminExecutor = adminExecutor;
    }

    @Override
    public void handle(RequestContext context, AlterConfigsRequest request, Responder responder) {
        AlterConfigsRequestData data = request.data();
        BlockingWork.respondOn(adminExecutor, context, request, responder, () -> alter(data));
    }

    private AlterConfigsResponseData alter(AlterConfigsRequestData data) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<String> keys = new ArrayList<>();
        data.resources().forEach(r -> keys.add(resourceKey(r.resourceType(), r.resourceName())));
        Set<String> duplicates = duplicates(keys);
        for (AlterConfigsResource resource : data.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName())
                    .setErrorCode(Errors.NONE.code())
                    .setErrorMessage(null);
            response.responses().add(result);
            try {
                if (duplicates.contains(resourceKey(resource.resourceType(), resource.resourceName()))) {
                    throw new InvalidRequestException("Each resource must appear at most once.");
                }
                alterOne(resource, data.validateOnly());
            } catch (ApiException e) {
                log.debug(
                        "AlterConfigs of {} '{}' failed: {}",
                        resource.resourceType(),
                        resource.resourceName(),
                        e.getMessage());
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
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
        if (!nullValues.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : " + String.join(", ", nullValues));
        }
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        switch (type) {
            case TOPIC:
                validateTopicResourceName(resource.resourceName());
                topics.alterConfigs(resource.resourceName(), configs, validateOnly);
                return;
            case BROKER:
                rejectBrokerChange(resource.resourceName(), nodeId, configs.keySet());
                return;
            default:
                throw unsupportedResourceType(resource.resourceType(), resource.resourceName());
        }
    }

    // --- shared with IncrementalAlterConfigsHandler

    static String resourceKey(byte type, String name) {
        return type + "/" + name;
    }

    /** The keys that occur more than once. */
    static Set<String> duplicates(Collection<String> keys) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (String key : keys) {
            if (!seen.add(key)) {
                duplicates.add(key);
            }
        }
        return duplicates;
    }

    /** Kafka's checks on a topic resource name: not empty (no default topic resource), then a legal name. */
    static void validateTopicResourceName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("Default topic resources are not allowed.");
        }
        TopicName.validate(name);
    }

    /**
     * Broker resources: the name must be this node's id or empty (cluster default); any change is
     * refused because every broker key is static.
     */
    static void rejectBrokerChange(String name, int nodeId, Collection<String> keys) {
        if (name != null && !name.isEmpty()) {
            int id;
            try {
                id = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("Node id must be an integer, but it is: " + name);
            }
            if (id != nodeId) {
                throw new InvalidRequestException(
                        "Unexpected broker id, expected " + nodeId + ", but received " + name);
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        throw new InvalidRequestException("Millrace has no dynamic broker configuration; set " + String.join(", ", keys)
                + " in the properties file and restart");
    }

    static InvalidRequestException unsupportedResourceType(byte type, String name) {
        ConfigResource.Type t = ConfigResource.Type.forId(type);
        String what = t == ConfigResource.Type.UNKNOWN
                ? "Unknown resource type " + type
                : "Resource type " + t + " is not supported by Millrace";
        return new InvalidRequestException(what + " (resource '" + name + "')");
    }
}
