package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig.Snapshot;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs (v1–v4) for topics and for this broker.
 *
 * <p>A topic shows every topic-level key ({@link LogConfig#DEFINITION}), or only the requested
 * ones: the topic's override if it has one ({@code TOPIC_CONFIG}), else the value implied by
 * the broker configuration, from wherever that comes ({@link BrokerSynonyms}: a dynamic value of
 * this broker or of the cluster default, the static configuration, or the built-in default).
 * With {@code includeSynonyms} the chain is listed as Kafka lists it: the topic override, then
 * the broker synonyms in order of precedence.
 *
 * <p>The broker resource named with this node's id shows every broker key and every custom key
 * set dynamically; a key is read-only unless it can be changed dynamically
 * ({@link DynamicBrokerConfig#DYNAMIC_KEYS}). The empty name shows the cluster-wide dynamic
 * defaults, with only those as synonyms, as Kafka does. Custom keys (unknown to the broker) are
 * reported as Kafka reports them: sensitive, without a value, read-only. BROKER_LOGGER,
 * CLIENT_METRICS, GROUP and unknown resource types are answered with a per-resource
 * INVALID_REQUEST. Keys that do not exist are left out, not reported as errors.
 *
 * <p>Differences from Kafka: the retention and roll keys ({@code retention.ms},
 * {@code segment.ms}) list all their broker synonyms ({@code log.retention.ms/minutes/hours},
 * {@code log.roll.ms/hours}) and take their source from whichever is set; Kafka lists them only
 * when the {@code .ms} form is set. An unsupported resource type fails only that resource
 * rather than the whole request. Nothing here touches the disk, so it runs on the event loop.
 */
public final class DescribeConfigsHandler extends VersionedHandler<DescribeConfigsRequest> {

    private final TopicManager topics;
    private final DynamicBrokerConfig brokerConfig;

    public DescribeConfigsHandler(TopicManager topics, DynamicBrokerConfig brokerConfig) {
        super(ApiKeys.DESCRIBE_CONFIGS, 1, 4);
        this.topics = topics;
        this.brokerConfig = brokerConfig;
    }

    @Override
    public void handle(RequestContext context, DescribeConfigsRequest request, Responder responder) {
        DescribeConfigsRequestData data = request.data();
        boolean synonyms = data.includeSynonyms();
        boolean documentation = context.apiVersion() >= 3 && data.includeDocumentation();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result;
            try {
                result = describe(resource, synonyms, documentation);
            } catch (ApiException e) {
                result = new DescribeConfigsResult()
                        .setErrorCode(Errors.forException(e).code())
                        .setErrorMessage(e.getMessage())
                        .setConfigs(new ArrayList<>());
            }
            response.results()
                    .add(result.setResourceType(resource.resourceType()).setResourceName(resource.resourceName()));
        }
        responder.respond(response);
    }

    private DescribeConfigsResult describe(DescribeConfigsResource resource, boolean synonyms, boolean documentation) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        switch (type) {
            case TOPIC:
                return describeTopic(resource.resourceName(), keyFilter(resource), synonyms, documentation);
            case BROKER:
                return describeBroker(resource.resourceName(), keyFilter(resource), synonyms, documentation);
            case BROKER_LOGGER:
                throw new InvalidRequestException("Resource type BROKER_LOGGER is not supported: Millrace does not "
                        + "expose its log levels through the Kafka protocol");
            case CLIENT_METRICS:
            case GROUP:
                throw new InvalidRequestException("Resource type " + type + " is not supported by Millrace");
            default:
                throw new InvalidRequestException("Unsupported resource type " + resource.resourceType()
                        + " for resource '" + resource.resourceName() + "'");
        }
    }

    /** The names that {@code filter} selects (null: all), sorted. */
    private static List<String> selected(Collection<String> names, Set<String> filter) {
        List<String> keys = new ArrayList<>();
        for (String key : new TreeSet<>(names)) {
            if (filter == null || filter.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The requested keys, or null for all (an empty list also means all, as in Kafka). */
    private static Set<String> keyFilter(DescribeConfigsResource resource) {
        List<String> keys = resource.configurationKeys();
        return keys == null || keys.isEmpty() ? null : new HashSet<>(keys);
    }

    private DescribeConfigsResult describeTopic(
            String name, Set<String> filter, boolean includeSynonyms, boolean documentation) {
        TopicName.validate(name);
        Map<String, String> overrides = topics.existingTopic(name).metadata().configs();
        Snapshot broker = brokerConfig.snapshot();
        LogConfig effective = topics.logConfig(overrides);
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (String key : selected(LogConfig.DEFINITION.names(), filter)) {
            ConfigDef.ConfigKey def = LogConfig.DEFINITION.configKeys().get(key);
            boolean sensitive = def.type == ConfigDef.Type.PASSWORD;
            String value = sensitive ? null : BrokerSynonyms.render(effective.get(key), def.type);
            List<DescribeConfigsSynonym> chain = new ArrayList<>();
            if (overrides.containsKey(key)) {
                chain.add(BrokerSynonyms.synonym(key, value, ConfigSource.TOPIC_CONFIG));
            }
            String brokerKey = LogConfig.BROKER_SYNONYMS.get(key);
            if (brokerKey != null) {
                chain.addAll(BrokerSynonyms.chain(broker, BrokerSynonyms.group(brokerKey), sensitive));
            }
            configs.add(entry(key, value, chain, includeSynonyms, sensitive, false, def, documentation));
        }
        return described(configs);
    }

    private DescribeConfigsResult describeBroker(
            String name, Set<String> filter, boolean includeSynonyms, boolean documentation) {
        Snapshot broker = brokerConfig.snapshot();
        boolean clusterDefault = name == null || name.isEmpty();
        Set<String> names = new HashSet<>(broker.clusterDefault().keySet());
        if (!clusterDefault) {
            int nodeId = broker.effective().nodeId();
            ConfigAlteration.requireThisNode(name, "Broker id", nodeId, nodeId + " or empty string");
            names.addAll(BrokerConfig.DEFINITION.names());
            names.addAll(broker.perBroker().keySet());
        }
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (String key : selected(names, filter)) {
            ConfigDef.ConfigKey def = BrokerConfig.DEFINITION.configKeys().get(key);
            // As Kafka: a key unknown to the broker has no type and may hold a secret.
            boolean sensitive = def == null || def.type == ConfigDef.Type.PASSWORD;
            String value = sensitive
                    ? null
                    : clusterDefault
                            ? broker.clusterDefault().get(key)
                            : BrokerSynonyms.render(broker.effective().get(key), def.type);
            List<DescribeConfigsSynonym> chain = BrokerSynonyms.chain(broker, BrokerSynonyms.group(key), sensitive);
            // As Kafka: a key's own chain starts at its own name (drops e.g. log.retention.ms when
            // describing log.retention.hours), and the cluster defaults show only themselves.
            while (!chain.isEmpty() && !chain.get(0).name().equals(key)) {
                chain.remove(0);
            }
            if (clusterDefault) {
                chain.removeIf(s -> s.source() != ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.id());
            }
            boolean readOnly = !DynamicBrokerConfig.isDynamic(key);
            configs.add(entry(key, value, chain, includeSynonyms, sensitive, readOnly, def, documentation));
        }
        return described(configs);
    }

    private static DescribeConfigsResult described(List<DescribeConfigsResourceResult> configs) {
        return new DescribeConfigsResult()
                .setErrorCode(Errors.NONE.code())
                .setErrorMessage(null)
                .setConfigs(configs);
    }

    private static DescribeConfigsResourceResult entry(
            String name,
            String value,
            List<DescribeConfigsSynonym> chain,
            boolean includeSynonyms,
            boolean sensitive,
            boolean readOnly,
            ConfigDef.ConfigKey def,
            boolean documentation) {
        ConfigSource source = BrokerSynonyms.source(chain);
        return new DescribeConfigsResourceResult()
                .setName(name)
                .setValue(value)
                .setReadOnly(readOnly)
                .setConfigSource(source.id())
                .setIsSensitive(sensitive)
                .setSynonyms(includeSynonyms ? chain : new ArrayList<>())
                .setConfigType(configType(def == null ? null : def.type).id())
                .setDocumentation(documentation && def != null ? def.documentation : null);
    }

    static ConfigType configType(ConfigDef.Type type) {
        if (type == null) {
            return ConfigType.UNKNOWN;
        }
        switch (type) {
            case BOOLEAN:
                return ConfigType.BOOLEAN;
            case STRING:
                return ConfigType.STRING;
            case INT:
                return ConfigType.INT;
            case SHORT:
                return ConfigType.SHORT;
            case LONG:
                return ConfigType.LONG;
            case DOUBLE:
                return ConfigType.DOUBLE;
            case LIST:
                return ConfigType.LIST;
            case CLASS:
                return ConfigType.CLASS;
            case PASSWORD:
                return ConfigType.PASSWORD;
            default:
                return ConfigType.UNKNOWN;
        }
    }
}
