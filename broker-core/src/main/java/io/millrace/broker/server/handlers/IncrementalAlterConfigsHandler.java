package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig.Level;
import io.millrace.broker.common.config.DynamicBrokerConfig.Snapshot;
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
import java.util.function.UnaryOperator;
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
 * IncrementalAlterConfigs (v0–v1): per-key SET, DELETE, APPEND and SUBTRACT (list-type keys only)
 * applied to a resource's current values: a topic's overrides (a deleted key returns to the
 * broker's value), or the dynamic values of this broker or of the cluster default (a deleted key
 * returns to the level below). All operations of one resource succeed or fail together; the
 * result is validated (a topic as at creation, a broker resource as Kafka validates dynamic broker
 * configs: {@link DynamicBrokerConfig#alter}) and then persisted, or with {@code validateOnly}
 * only checked. Runs on the admin executor because persisting writes and fsyncs a metadata file.
 *
 * <p>APPEND or SUBTRACT on a key without a value of its own starts from the value in effect: for
 * a topic, as Kafka does; for a broker resource, the value of the levels below, where Kafka starts
 * from the built-in default. Differences from Kafka: BROKER_LOGGER (runtime log levels),
 * CLIENT_METRICS and GROUP resources are not supported. APPEND/SUBTRACT trim whitespace around
 * list elements. A request that changes nothing does not rewrite the metadata.
 */
public final class IncrementalAlterConfigsHandler extends BlockingHandler<IncrementalAlterConfigsRequest> {

    private final TopicManager topics;
    private final DynamicBrokerConfig brokerConfig;
    private final ConfigAlteration alteration;

    public IncrementalAlterConfigsHandler(
            TopicManager topics, DynamicBrokerConfig brokerConfig, Executor adminExecutor) {
        super(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, adminExecutor);
        this.topics = topics;
        this.brokerConfig = brokerConfig;
        this.alteration = new ConfigAlteration(
                ApiKeys.INCREMENTAL_ALTER_CONFIGS, brokerConfig.current().nodeId());
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
        alteration.alter(
                resource,
                topic -> alterTopic(topic, ops, validateOnly),
                level -> alterBroker(level, ops, validateOnly));
    }

    private void alterBroker(Level level, List<Op> ops, boolean validateOnly) {
        for (Op op : ops) {
            if (isListOp(op)) {
                requireBrokerListKey(op);
            }
        }
        brokerConfig.alter(
                level,
                current -> {
                    Map<String, String> values = new TreeMap<>(current.values(level));
                    applyOps(ops, values, key -> valueBelow(current, level, key));
                    return values;
                },
                validateOnly);
    }

    private static boolean isListOp(Op op) {
        return op.type() == OpType.APPEND || op.type() == OpType.SUBTRACT;
    }

    /**
     * Applies {@code ops} to {@code values} in place; an APPEND or SUBTRACT on a key without a value
     * starts from {@code listBase} of the key.
     */
    private static void applyOps(List<Op> ops, Map<String, String> values, UnaryOperator<String> listBase) {
        for (Op op : ops) {
            switch (op.type()) {
                case SET:
                    values.put(op.key(), op.value());
                    break;
                case DELETE:
                    values.remove(op.key());
                    break;
                case APPEND:
                case SUBTRACT:
                    String base = values.containsKey(op.key()) ? values.get(op.key()) : listBase.apply(op.key());
                    values.put(op.key(), applyListOp(op, base));
                    break;
                default:
                    throw new InvalidRequestException("Unknown operation type " + op.type());
            }
        }
    }

    /** Refuses an APPEND or SUBTRACT on a broker key that is not a known LIST-type key, as Kafka refuses it. */
    private static void requireBrokerListKey(Op op) {
        ConfigDef.ConfigKey def = BrokerConfig.DEFINITION.configKeys().get(op.key());
        if (def == null) {
            throw new InvalidConfigurationException("Unknown config name: " + op.key());
        }
        if (def.type != ConfigDef.Type.LIST) {
            throw new InvalidConfigurationException(
                    "Config value " + (op.type() == OpType.APPEND ? "append" : "subtract")
                            + " is not allowed for config key: " + op.key());
        }
    }

    /** The value of a broker key in effect below {@code level}: the cluster default, the static or the built-in value. */
    private static String valueBelow(Snapshot config, Level level, String key) {
        String clusterDefault = config.clusterDefault().get(key);
        if (level == Level.BROKER && clusterDefault != null) {
            return clusterDefault;
        }
        Object value = config.staticConfig().get(key);
        return value == null ? null : ConfigDef.convertToString(value, ConfigDef.Type.LIST);
    }

    private void alterTopic(String name, List<Op> ops, boolean validateOnly) {
        for (Op op : ops) {
            if (isListOp(op)) {
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
            applyOps(ops, updated, this::topicListBase);
            if (updated.equals(current)) {
                // Nothing changes; the current overrides were validated when they were set.
                return;
            }
            topics.alterConfigs(name, updated, validateOnly);
        }
    }

    /** The value in effect of a topic's list key without an override. */
    private String topicListBase(String key) {
        ConfigDef.ConfigKey def = LogConfig.DEFINITION.configKeys().get(key);
        Object effective = topics.topicDefaults().get(key);
        if (effective == null && def.hasDefault()) {
            effective = def.defaultValue;
        }
        return effective == null ? null : ConfigDef.convertToString(effective, ConfigDef.Type.LIST);
    }

    /** APPEND or SUBTRACT of the op's elements to or from the list {@code base}. */
    private static String applyListOp(Op op, String base) {
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
