package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
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
 * the broker configuration ({@code STATIC_BROKER_CONFIG} when the broker key was set in the
 * properties file, environment or command line, {@code DEFAULT_CONFIG} otherwise). With
 * {@code includeSynonyms} the chain is listed as Kafka lists it: the topic override, then
 * every explicitly set broker synonym, then the broker synonyms' built-in defaults.
 *
 * <p>The broker resource named with this node's id shows every broker key, all read-only:
 * Millrace has no dynamic broker configuration. The empty name (Kafka's cluster-wide dynamic
 * defaults) therefore describes an empty set, as Kafka does for a cluster without dynamic
 * defaults. BROKER_LOGGER, CLIENT_METRICS, GROUP and unknown resource types are answered with a
 * per-resource INVALID_REQUEST. Keys that do not exist are left out, not reported as errors.
 *
 * <p>Differences from Kafka: the retention and roll keys ({@code retention.ms},
 * {@code segment.ms}) list all their broker synonyms ({@code log.retention.ms/minutes/hours},
 * {@code log.roll.ms/hours}) and take their source from whichever is set; Kafka lists them only
 * when the {@code .ms} form is set. An unsupported resource type fails only that resource
 * rather than the whole request. Nothing here touches the disk, so it runs on the event loop.
 */
public final class DescribeConfigsHandler extends VersionedHandler<DescribeConfigsRequest> {

    private final TopicManager topics;
    private final BrokerConfig broker;

    public DescribeConfigsHandler(TopicManager topics, BrokerConfig broker) {
        super(ApiKeys.DESCRIBE_CONFIGS, 1, 4);
        this.topics = topics;
        this.broker = broker;
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

    /** The keys of {@code definition} that {@code filter} selects (null: all), sorted by name. */
    private static List<ConfigDef.ConfigKey> selected(ConfigDef definition, Set<String> filter) {
        List<ConfigDef.ConfigKey> keys = new ArrayList<>();
        for (String key : new TreeSet<>(definition.names())) {
            if (filter == null || filter.contains(key)) {
                keys.add(definition.configKeys().get(key));
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
        LogConfig effective = topics.logConfig(overrides);
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (ConfigDef.ConfigKey def : selected(LogConfig.DEFINITION, filter)) {
            String key = def.name;
            boolean sensitive = def.type == ConfigDef.Type.PASSWORD;
            String value = sensitive ? null : render(effective.get(key), def.type);
            List<DescribeConfigsSynonym> chain = new ArrayList<>();
            if (overrides.containsKey(key)) {
                chain.add(synonym(key, value, ConfigSource.TOPIC_CONFIG));
            }
            String brokerKey = LogConfig.BROKER_SYNONYMS.get(key);
            if (brokerKey != null) {
                chain.addAll(brokerChain(brokerSynonymGroup(brokerKey), sensitive));
            }
            configs.add(entry(key, value, chain, includeSynonyms, sensitive, false, def, documentation));
        }
        return described(configs);
    }

    private DescribeConfigsResult describeBroker(
            String name, Set<String> filter, boolean includeSynonyms, boolean documentation) {
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            // Cluster-wide dynamic defaults: Millrace has none.
            return described(configs);
        }
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
        }
        if (id != broker.nodeId()) {
            throw new InvalidRequestException(
                    "Unexpected broker id, expected " + broker.nodeId() + " or empty string, but received " + name);
        }
        for (ConfigDef.ConfigKey def : selected(BrokerConfig.DEFINITION, filter)) {
            String key = def.name;
            boolean sensitive = def.type == ConfigDef.Type.PASSWORD;
            String value = sensitive ? null : render(broker.get(key), def.type);
            List<DescribeConfigsSynonym> chain = brokerChain(brokerSynonymGroup(key), sensitive);
            // As Kafka: a key's own chain starts at its own name (drops e.g. log.retention.ms when
            // describing log.retention.hours).
            while (!chain.isEmpty() && !chain.get(0).name().equals(key)) {
                chain.remove(0);
            }
            configs.add(entry(key, value, chain, includeSynonyms, sensitive, true, def, documentation));
        }
        return described(configs);
    }

    private static DescribeConfigsResult described(List<DescribeConfigsResourceResult> configs) {
        return new DescribeConfigsResult()
                .setErrorCode(Errors.NONE.code())
                .setErrorMessage(null)
                .setConfigs(configs);
    }

    /** Explicitly set broker keys of the group (in group order), then their non-null built-in defaults. */
    private List<DescribeConfigsSynonym> brokerChain(List<String> group, boolean sensitive) {
        List<DescribeConfigsSynonym> chain = new ArrayList<>();
        Map<String, String> explicit = broker.explicitValues();
        for (String key : group) {
            if (broker.isExplicit(key)) {
                chain.add(synonym(key, sensitive ? null : explicit.get(key), ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        for (String key : group) {
            ConfigDef.ConfigKey def = BrokerConfig.DEFINITION.configKeys().get(key);
            if (def != null && def.hasDefault() && def.defaultValue != null) {
                chain.add(synonym(
                        key, sensitive ? null : render(def.defaultValue, def.type), ConfigSource.DEFAULT_CONFIG));
            }
        }
        return chain;
    }

    /** Broker keys that set the same thing, most specific first (Kafka's broker synonyms). */
    static List<String> brokerSynonymGroup(String brokerKey) {
        switch (brokerKey) {
            case BrokerConfig.LOG_ROLL_MS:
            case BrokerConfig.LOG_ROLL_HOURS:
                return List.of(BrokerConfig.LOG_ROLL_MS, BrokerConfig.LOG_ROLL_HOURS);
            case BrokerConfig.LOG_RETENTION_MS:
            case BrokerConfig.LOG_RETENTION_MINUTES:
            case BrokerConfig.LOG_RETENTION_HOURS:
                return List.of(
                        BrokerConfig.LOG_RETENTION_MS,
                        BrokerConfig.LOG_RETENTION_MINUTES,
                        BrokerConfig.LOG_RETENTION_HOURS);
            default:
                return List.of(brokerKey);
        }
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
        ConfigSource source = chain.isEmpty()
                ? ConfigSource.DEFAULT_CONFIG
                : ConfigSource.forId(chain.get(0).source());
        return new DescribeConfigsResourceResult()
                .setName(name)
                .setValue(value)
                .setReadOnly(readOnly)
                .setConfigSource(source.id())
                .setIsSensitive(sensitive)
                .setSynonyms(includeSynonyms ? chain : new ArrayList<>())
                .setConfigType(configType(def.type).id())
                .setDocumentation(documentation ? def.documentation : null);
    }

    private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    /** A value as Kafka renders it: lists comma-separated, null stays null. */
    static String render(Object value, ConfigDef.Type type) {
        if (value instanceof String s) {
            return s;
        }
        return ConfigDef.convertToString(value, type);
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
