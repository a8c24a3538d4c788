package io.millrace.bench;

import io.millrace.testing.RawKafkaConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata requests on one connection, one at a time, at the newest version both sides know: the
 * latency of a one-topic request, and how many topics a request for all of them lists as served.
 * Raw requests, so the figures are the broker's and the wire's, not a client's caching.
 *
 * <p>Not thread-safe; close it after use.
 */
final class MetadataProbe implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final RawKafkaConnection connection;
    private final short version;

    private MetadataProbe(RawKafkaConnection connection, short version) {
        this.connection = connection;
        this.version = version;
    }

    /** Connects to the broker and agrees on the Metadata version. */
    static MetadataProbe open(String host, int port) throws IOException {
        RawKafkaConnection connection = RawKafkaConnection.open(host, port, TIMEOUT);
        try {
            short version = RawKafkaConnection.newestCommonVersion(connection.apiVersions(), ApiKeys.METADATA);
            if (version < 0) {
                throw new IOException("The broker on port " + port + " has no Metadata version this client knows");
            }
            return new MetadataProbe(connection, version);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Median and 99th percentile of a Metadata request's round trip, in milliseconds. */
    record Latency(double p50Ms, double p99Ms) {}

    /**
     * Sends {@code warmup} unmeasured, then {@code requests} measured Metadata requests for
     * {@code topic}, each after the previous answer; fails if the broker does not serve the topic.
     */
    Latency oneTopic(String topic, int warmup, int requests) throws IOException {
        long[] nanos = new long[requests];
        for (int i = -warmup; i < requests; i++) {
            long start = System.nanoTime();
            MetadataResponseData response = send(List.of(topic));
            long elapsed = System.nanoTime() - start;
            MetadataResponseData.MetadataResponseTopic answer =
                    response.topics().find(topic);
            if (answer == null || answer.errorCode() != Errors.NONE.code()) {
                throw new IOException("Metadata for " + topic + " answered "
                        + (answer == null ? "without it" : Errors.forCode(answer.errorCode())));
            }
            if (i >= 0) {
                nanos[i] = elapsed;
            }
        }
        Arrays.sort(nanos);
        return new Latency(percentile(nanos, 50) / 1e6, percentile(nanos, 99) / 1e6);
    }

    /**
     * How many topics whose names start with {@code prefix} a Metadata request for all topics lists
     * without error and with a leader for every partition.
     */
    int servedTopics(String prefix) throws IOException {
        int served = 0;
        for (MetadataResponseData.MetadataResponseTopic topic : send(null).topics()) {
            if (topic.name() != null
                    && topic.name().startsWith(prefix)
                    && topic.errorCode() == Errors.NONE.code()
                    && !topic.partitions().isEmpty()
                    && topic.partitions().stream().allMatch(p -> p.leaderId() >= 0)) {
                served++;
            }
        }
        return served;
    }

    private MetadataResponseData send(List<String> topics) throws IOException {
        MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false);
        if (topics == null) {
            request.setTopics(null);
        } else {
            List<MetadataRequestData.MetadataRequestTopic> named = new ArrayList<>();
            for (String name : topics) {
                named.add(new MetadataRequestData.MetadataRequestTopic().setName(name));
            }
            request.setTopics(named);
        }
        return (MetadataResponseData) connection.send(request, version);
    }

    /** The value at percentile {@code p} of sorted values (nearest rank). */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
