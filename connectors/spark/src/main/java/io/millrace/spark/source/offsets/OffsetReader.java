package io.millrace.spark.source.offsets;

import io.millrace.spark.options.NoMatchStrategy;
import io.millrace.spark.options.OffsetLimit;
import io.millrace.spark.options.SourceErrors;
import io.millrace.spark.source.subscription.Subscription;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's view of the broker: which partitions the subscription covers and their earliest,
 * latest or timestamp offsets, through one {@link Admin} client. Latest offsets are the last
 * stable offsets under {@code read_committed} (the default), so a range never ends inside an
 * open transaction. A failed lookup is retried {@code fetchOffset.numRetries} times,
 * {@code fetchOffset.retryIntervalMs} apart, with a new client. Not thread-safe beyond its own
 * synchronized methods; used by one query's driver.
 */
public final class OffsetReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetReader.class);

    private final Subscription subscription;
    private final Map<String, Object> adminParams;
    private final ListOffsetsOptions listOptions;
    private final int attempts;
    private final Duration retryInterval;
    private Admin admin;

    public OffsetReader(
            Subscription subscription,
            Map<String, String> kafkaParams,
            IsolationLevel isolation,
            int attempts,
            Duration retryInterval) {
        this.subscription = subscription;
        Map<String, Object> params = new HashMap<>();
        kafkaParams.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                params.put(k, v);
            }
        });
        this.adminParams = params;
        this.listOptions = new ListOffsetsOptions(isolation);
        this.attempts = attempts;
        this.retryInterval = retryInterval;
    }

    /** The isolation level of {@code kafka.isolation.level}, {@code read_committed} when unset. */
    public static IsolationLevel isolation(Map<String, String> kafkaParams) {
        String level = kafkaParams.getOrDefault(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return IsolationLevel.valueOf(level.toUpperCase(Locale.ROOT));
    }

    /** The earliest available offset of each of these partitions that still exists. */
    public synchronized Map<TopicPartition, Long> earliest(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        return withRetries(() -> {
            Set<TopicPartition> existing = new HashSet<>(partitions);
            existing.retainAll(subscription.partitions(admin()));
            return list(existing, p -> OffsetSpec.earliest());
        });
    }

    /**
     * The latest offset of each partition the subscription covers. Where it is below an offset
     * already known (a lagging replica answered), asks again, up to the retry count.
     */
    public synchronized Map<TopicPartition, Long> latest(Map<TopicPartition, Long> known) {
        return withRetries(() -> {
            Set<TopicPartition> partitions = subscription.partitions(admin());
            Map<TopicPartition, Long> latest = list(partitions, p -> OffsetSpec.latest());
            for (int attempt = 1; attempt < attempts && isBelow(latest, known); attempt++) {
                LOG.warn("Latest offsets {} are below known offsets {}; asking again", latest, known);
                Thread.sleep(retryInterval.toMillis());
                latest = list(partitions, p -> OffsetSpec.latest());
            }
            return latest;
        });
    }

    /** Resolves a starting or ending limit into an offset for every partition covered now. */
    public synchronized Map<TopicPartition, Long> resolve(OffsetLimit limit, boolean starting) {
        return withRetries(() -> {
            Set<TopicPartition> partitions = subscription.partitions(admin());
            if (limit instanceof OffsetLimit.Earliest) {
                return list(partitions, p -> OffsetSpec.earliest());
            }
            if (limit instanceof OffsetLimit.Latest) {
                return list(partitions, p -> OffsetSpec.latest());
            }
            if (limit instanceof OffsetLimit.SpecificOffsets specific) {
                if (!specific.offsets().keySet().equals(partitions)) {
                    throw SourceErrors.specificOffsetsDoNotMatch(
                            specific.offsets().keySet(), partitions);
                }
                return resolveMarkers(specific.offsets());
            }
            if (limit instanceof OffsetLimit.SpecificTimestamps specific) {
                if (!specific.timestamps().keySet().equals(partitions)) {
                    throw SourceErrors.specificTimestampsDoNotMatch(
                            starting, specific.timestamps().keySet(), partitions);
                }
                return byTimestamp(specific.timestamps(), starting, specific.strategy());
            }
            OffsetLimit.GlobalTimestamp global = (OffsetLimit.GlobalTimestamp) limit;
            Map<TopicPartition, Long> timestamps = new HashMap<>();
            partitions.forEach(p -> timestamps.put(p, global.timestamp()));
            return byTimestamp(timestamps, starting, global.strategy());
        });
    }

    private Map<TopicPartition, Long> resolveMarkers(Map<TopicPartition, Long> offsets)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        offsets.forEach((p, offset) -> {
            if (offset == OffsetLimit.EARLIEST) {
                specs.put(p, OffsetSpec.earliest());
            } else if (offset == OffsetLimit.LATEST) {
                specs.put(p, OffsetSpec.latest());
            }
        });
        Map<TopicPartition, Long> resolved = new HashMap<>(offsets);
        resolved.putAll(list(specs.keySet(), specs::get));
        return resolved;
    }

    private Map<TopicPartition, Long> byTimestamp(
            Map<TopicPartition, Long> timestamps, boolean starting, NoMatchStrategy strategy)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> found = list(timestamps.keySet(), p -> OffsetSpec.forTimestamp(timestamps.get(p)));
        Map<TopicPartition, Long> resolved = new HashMap<>(found);
        Set<TopicPartition> unmatched = new HashSet<>();
        found.forEach((p, offset) -> {
            if (offset < 0) {
                if (starting && strategy == NoMatchStrategy.ERROR) {
                    throw SourceErrors.noOffsetForTimestamp(p, timestamps.get(p));
                }
                unmatched.add(p);
            }
        });
        resolved.putAll(list(unmatched, p -> OffsetSpec.latest()));
        return resolved;
    }

    private Map<TopicPartition, Long> list(Set<TopicPartition> partitions, Function<TopicPartition, OffsetSpec> spec)
            throws ExecutionException, InterruptedException {
        if (partitions.isEmpty()) {
            return new HashMap<>();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec.apply(p)));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer =
                admin().listOffsets(request, listOptions).all().get();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    private static boolean isBelow(Map<TopicPartition, Long> latest, Map<TopicPartition, Long> known) {
        return latest.entrySet().stream().anyMatch(e -> known.getOrDefault(e.getKey(), Long.MIN_VALUE) > e.getValue());
    }

    private <T> T withRetries(Callable<T> body) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return body.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while getting Kafka offsets", e);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                LOG.warn("Error in attempt {} getting Kafka offsets", attempt, e);
                last = new IllegalStateException("Cannot get Kafka offsets for " + subscription, e);
                closeAdmin();
                if (attempt < attempts) {
                    sleepBeforeRetry();
                }
            }
        }
        throw last;
    }

    private void sleepBeforeRetry() {
        try {
            Thread.sleep(retryInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while getting Kafka offsets", e);
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminParams);
        }
        return admin;
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }

    @Override
    public synchronized void close() {
        closeAdmin();
    }

    @Override
    public String toString() {
        return subscription.toString();
    }
}
