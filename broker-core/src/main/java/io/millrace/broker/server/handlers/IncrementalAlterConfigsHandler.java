package io.millrace.broker.server.handlers;

import io.millrace.broker.log.LogConfig;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;

/**
 * IncrementalAlterConfigs (v0–v1): per-key SET, DELETE (back to the broker's value), APPEND and
 * SUBTRACT (list-type keys only) applied to a topic's current overrides. APPEND or SUBTRACT on
 * a key without an override starts from the value in effect, as Kafka does. All operations of
 * one resource succeed or fail together; the result is validated as at topic creation and
 * then persisted (or, with {@code validateOnly}, only checked). Runs on the admin executor
 * because persisting writes and fsyncs the topic's metadata file.
 *
 * <p>Differences from Kafka: broker resources are refused with INVALID_REQUEST (Millrace has
 * no dynamic broker configuration) and BROKER_LOGGER (runtime log levels), CLIENT_METRICS and
 * GROUP resources are not supported. APPEND/SUBTRACT trim whitespace around list elements.
 * A request that changes nothing does not rewrite the topic's metadata.
 */
public final class IncrementalAlterConfigsHandler extends BlockingHandler<IncrementalAlterConfigsRequest> {

    private final TopicManager topics;
    private final ConfigAlteration alteration;

    public IncrementalAlterConfigsHandler(TopicManager topics, int nodeId, Executor adminExecutor) {
        super(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, adminExecutor);
        this.topics = topics;
        this.alteration = new ConfigAlteration(ApiKeys.INCREMENTAL_ALTER_CONFIGS, nodeId);
    }

    @Override
    IncrementalAlterConfigsResponseData respond(RequestContext context, IncrementalAlterConfigsRequest request) {
        IncrementalAlterConfigsRequestData data = request.data();
        return new IncrementalAlterConfigsResponseData()
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

    /** One requested operation on one key. */
    private record Op(String key, OpType type, String value) {}

    private void alterOne(ConfigAlteration.Resource resource, Collection<AlterableConfig> given, boolean validateOnly) {
        List<Op> ops = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> nullValues = new ArrayList<>();
        for (AlterableConfig c : given) {
            names.add(c.name());
            OpType type = OpType.forId(c.configOperation());
            if (type == null) {
                throw new InvalidRequestException(
                        "Unknown operation type " + c.configOperation() + " for config key '" + c.name() + "'");
            }
            if (type != OpType.DELETE && c.value() == null) {
                nullValues.add(c.name());
            }
            ops.add(new Op(c.name(), type, c.value()));
        }
        Set<String> duplicateNames = RequestChecks.duplicates(names);
        if (!duplicateNames.isEmpty()) {
            throw new InvalidRequestException(
                    "Duplicate config keys in one resource: " + String.join(", ", duplicateNames));
        }
        ConfigAlteration.requireValues(nullValues);
        if (ConfigResource.Type.forId(resource.type()) == ConfigResource.Type.BROKER_LOGGER) {
            throw new InvalidRequestException("Resource type BROKER_LOGGER is not supported: Millrace log "
                    + "levels are set in its logging configuration file");
        }
        alteration.alter(resource, names, topic -> alterTopic(topic, ops, validateOnly));
    }

    private void alterTopic(String name, List<Op> ops, boolean validateOnly) {
        for (Op op : ops) {
            if (op.type() == OpType.APPEND || op.type() == OpType.SUBTRACT) {
                ConfigDef.ConfigKey def = LogConfig.DEFINITION.configKeys().get(op.key());
                if (def == null || def.type != ConfigDef.Type.LIST) {
                    throw new InvalidConfigurationException(
                            "Can't " + op.type() + " to key " + op.key() + " because its type is not LIST.");
                }
            }
        }
        // The topic manager serialises every change on itself (see its Javadoc); holding its
        // monitor makes this read-modify-write atomic with respect to other alterations.
        synchronized (topics) {
            Map<String, String> current = topics.existingTopic(name).metadata().configs();
            Map<String, String> updated = new TreeMap<>(current);
            for (Op op : ops) {
                switch (op.type()) {
                    case SET:
                        updated.put(op.key(), op.value());
                        break;
                    case DELETE:
                        updated.remove(op.key());
                        break;
                    case APPEND:
                    case SUBTRACT:
                        updated.put(op.key(), applyListOp(op, current.get(op.key())));
                        break;
                    default:
                        throw new InvalidRequestException("Unknown operation type " + op.type());
                }
            }
            if (updated.equals(current)) {
                // Nothing changes; the current overrides were validated when they were set.
                return;
            }
            topics.alterConfigs(name, updated, validateOnly);
        }
    }

    /** APPEND or SUBTRACT on a list key, starting from the override or else the value in effect. */
    private String applyListOp(Op op, String override) {
        ConfigDef.ConfigKey def = LogConfig.DEFINITION.configKeys().get(op.key());
        String base = override;
        if (base == null) {
            Object effective = topics.topicDefaults().get(op.key());
            if (effective == null && def.hasDefault()) {
                effective = def.defaultValue;
            }
            base = effective == null ? null : ConfigDef.convertToString(effective, ConfigDef.Type.LIST);
        }
        List<String> items = split(base);
        for (String v : split(op.value())) {
            if (op.type() == OpType.APPEND) {
                if (!items.contains(v)) {
                    items.add(v);
                }
            } else {
                items.removeIf(v::equals);
            }
        }
        return String.join(",", items);
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        if (value == null) {
            return parts;
        }
        for (String part : value.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        return parts;
    }
}
