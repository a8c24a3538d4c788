package io.millrace.broker.server.handlers;

import io.millrace.broker.common.config.DynamicBrokerConfig.Level;
import io.millrace.broker.stream.TopicName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: every resource of a request is altered on
 * its own and answered with its own error; a resource named twice is refused each time; a topic
 * resource must name a legal topic; a broker resource must name this node (its own dynamic
 * configuration) or be empty (the cluster-wide dynamic defaults); other resource types are not
 * supported. The handlers keep what differs between the two APIs: reading a resource's configs
 * and working out its new values. Immutable; thread-safe.
 */
final class ConfigAlteration {

    private static final Logger log = LoggerFactory.getLogger(ConfigAlteration.class);

    /** A resource as a request names it (the type as sent, so unknown types are echoed back). */
    record Resource(byte type, String name) {}

    /** How one resource fared: NONE with no message, or the error and its message. */
    record Outcome(Resource resource, Errors error, String message) {}

    private final ApiKeys api;
    private final int nodeId;

    ConfigAlteration(ApiKeys api, int nodeId) {
        this.api = api;
        this.nodeId = nodeId;
    }

    /**
     * Alters each resource in request order with {@code alter}, which throws an {@link ApiException}
     * to fail that resource alone, and answers each with {@code answer} of how it fared.
     *
     * @param <R> the request's resource type
     * @param <A> the response's per-resource answer type
     * @return one answer per resource, in request order
     */
    <R, A> List<A> alterEach(
            Collection<R> resources,
            Function<R, Resource> resourceOf,
            BiConsumer<Resource, R> alter,
            Function<Outcome, A> answer) {
        Set<Resource> duplicates =
                RequestChecks.duplicates(resources.stream().map(resourceOf).toList());
        List<A> answers = new ArrayList<>(resources.size());
        for (R r : resources) {
            Resource resource = resourceOf.apply(r);
            Outcome outcome;
            try {
                if (duplicates.contains(resource)) {
                    throw new InvalidRequestException("Each resource must appear at most once.");
                }
                alter.accept(resource, r);
                outcome = new Outcome(resource, Errors.NONE, null);
            } catch (ApiException e) {
                log.debug("{} of {} '{}' failed: {}", api.name, resource.type(), resource.name(), e.getMessage());
                outcome = new Outcome(resource, Errors.forException(e), e.getMessage());
            }
            answers.add(answer.apply(outcome));
        }
        return answers;
    }

    /** Refuses a resource whose configs (other than deletions) lack a value. */
    static void requireValues(List<String> keysWithoutValue) {
        if (!keysWithoutValue.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : " + String.join(", ", keysWithoutValue));
        }
    }

    /**
     * Alters one resource whose configs the handler has read: a topic resource is validated and
     * handed to {@code alterTopic} with the topic's name; a broker resource is checked and handed
     * to {@code alterBroker} with the level of dynamic configuration it names.
     */
    void alter(Resource resource, Consumer<String> alterTopic, Consumer<Level> alterBroker) {
        switch (ConfigResource.Type.forId(resource.type())) {
            case TOPIC:
                validateTopicResourceName(resource.name());
                alterTopic.accept(resource.name());
                return;
            case BROKER:
                alterBroker.accept(brokerLevel(resource.name()));
                return;
            default:
                throw unsupportedResourceType(resource);
        }
    }

    /** Kafka's checks on a topic resource name: not empty (no default topic resource), then a legal name. */
    private static void validateTopicResourceName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("Default topic resources are not allowed.");
        }
        TopicName.validate(name);
    }

    /** Kafka's checks on a broker resource name: this node's id, or empty for the cluster-wide defaults. */
    private Level brokerLevel(String name) {
        if (name == null || name.isEmpty()) {
            return Level.CLUSTER_DEFAULT;
        }
        requireThisNode(name, "Node id", nodeId, String.valueOf(nodeId));
        return Level.BROKER;
    }

    /**
     * Refuses a broker resource name other than this node's id, in the words Kafka uses for the
     * API: {@code idName} is what the id is called, {@code expected} what would have been accepted.
     */
    static void requireThisNode(String name, String idName, int nodeId, String expected) {
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(idName + " must be an integer, but it is: " + name);
        }
        if (id != nodeId) {
            throw new InvalidRequestException("Unexpected broker id, expected " + expected + ", but received " + name);
        }
    }

    private static InvalidRequestException unsupportedResourceType(Resource resource) {
        ConfigResource.Type t = ConfigResource.Type.forId(resource.type());
        String what = t == ConfigResource.Type.UNKNOWN
                ? "Unknown resource type " + resource.type()
                : "Resource type " + t + " is not supported by Millrace";
        return new InvalidRequestException(what + " (resource '" + resource.name() + "')");
    }
}
