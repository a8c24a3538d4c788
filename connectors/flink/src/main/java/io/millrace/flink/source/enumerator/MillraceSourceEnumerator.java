package io.millrace.flink.source.enumerator;

import io.millrace.flink.source.MillraceSourceOptions;
import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.flink.source.enumerator.subscriber.MillraceSubscriber;
import io.millrace.flink.source.split.MillraceSplit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.annotation.Nullable;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the partitions a source reads and hands each to one reader as a {@link MillraceSplit}.
 *
 * <p>Discovery runs once at start and, for an unbounded source with a positive
 * {@code partition.discovery.interval.ms}, periodically after that, so partitions added to a
 * topic and topics created in a subscribed stream or matching a pattern are read too. The first
 * discovery's partitions start at the source's starting offsets; partitions found later start at
 * their earliest offset, so records written before the enumerator noticed them are not skipped.
 * Talking to the broker (listing topics, resolving offsets) happens on the context's worker
 * thread; the results are applied on the coordinator thread.
 *
 * <p>A bounded source discovers once; each reader is told that no more splits come once its
 * splits are assigned.
 *
 * <p>Not thread-safe: Flink calls it from the source coordinator thread only, and its own
 * asynchronous work reports back to that thread.
 */
@Internal
public final class MillraceSourceEnumerator implements SplitEnumerator<MillraceSplit, MillraceEnumState> {

    private static final Logger LOG = LoggerFactory.getLogger(MillraceSourceEnumerator.class);

    private final MillraceSubscriber subscriber;
    private final OffsetsInitializer startingOffsets;
    private final OffsetsInitializer stoppingOffsets;
    private final OffsetsInitializer newPartitionOffsets = OffsetsInitializer.earliest();
    private final Properties properties;
    private final SplitEnumeratorContext<MillraceSplit> context;
    private final Boundedness boundedness;
    private final long discoveryIntervalMs;

    private final Map<TopicPartition, MillraceSplit> assigned = new HashMap<>();
    private final Map<TopicPartition, MillraceSplit> unassigned = new LinkedHashMap<>();
    /** Partitions whose offsets are being resolved on the worker thread. */
    private final Set<TopicPartition> initializing = new HashSet<>();
    /** Whether the first discovery's partitions and offsets are known (checkpointed). */
    private boolean initialDiscoveryFinished;
    /** Whether a discovery result has been taken as the first one (not checkpointed). */
    private boolean initialDiscoveryTaken;

    private Admin admin;

    public MillraceSourceEnumerator(
            MillraceSubscriber subscriber,
            OffsetsInitializer startingOffsets,
            OffsetsInitializer stoppingOffsets,
            Properties properties,
            SplitEnumeratorContext<MillraceSplit> context,
            Boundedness boundedness,
            MillraceEnumState state) {
        this.subscriber = subscriber;
        this.startingOffsets = startingOffsets;
        this.stoppingOffsets = stoppingOffsets;
        this.properties = properties;
        this.context = context;
        this.boundedness = boundedness;
        this.discoveryIntervalMs = boundedness == Boundedness.BOUNDED
                ? 0
                : MillraceSourceOptions.getLong(properties, MillraceSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS);
        state.assignedSplits().forEach(split -> assigned.put(split.partition(), split));
        state.unassignedSplits().forEach(split -> unassigned.put(split.partition(), split));
        this.initialDiscoveryFinished = state.initialDiscoveryFinished();
        this.initialDiscoveryTaken = initialDiscoveryFinished;
    }

    @Override
    public void start() {
        admin = Admin.create(MillraceSourceOptions.adminProperties(properties, "enumerator"));
        if (discoveryIntervalMs > 0) {
            LOG.info("Discovering the partitions of {} every {} ms", subscriber, discoveryIntervalMs);
            context.callAsync(this::discover, this::onDiscovered, 0, discoveryIntervalMs);
        } else {
            LOG.info("Discovering the partitions of {} once", subscriber);
            context.callAsync(this::discover, this::onDiscovered);
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // splits are pushed to their owners as they are discovered; readers never ask
    }

    @Override
    public void addSplitsBack(List<MillraceSplit> splits, int subtaskId) {
        for (MillraceSplit split : splits) {
            assigned.remove(split.partition());
            unassigned.put(split.partition(), split);
        }
        if (context.registeredReaders().containsKey(subtaskId)) {
            assignPendingSplits(Set.of(subtaskId));
        }
    }

    @Override
    public void addReader(int subtaskId) {
        assignPendingSplits(Set.of(subtaskId));
    }

    @Override
    public MillraceEnumState snapshotState(long checkpointId) {
        return new MillraceEnumState(assigned.values(), unassigned.values(), initialDiscoveryFinished);
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
    }

    /** Runs on the worker thread. */
    private Set<TopicPartition> discover() {
        return subscriber.subscribedPartitions(admin);
    }

    private void onDiscovered(Set<TopicPartition> found, @Nullable Throwable failure) {
        if (failure != null) {
            throw new FlinkRuntimeException("Failed to discover the partitions of " + subscriber, failure);
        }
        Set<TopicPartition> fresh = new HashSet<>(found);
        fresh.removeAll(assigned.keySet());
        fresh.removeAll(unassigned.keySet());
        fresh.removeAll(initializing);
        boolean initial = !initialDiscoveryTaken;
        initialDiscoveryTaken = true;
        if (fresh.isEmpty()) {
            initialDiscoveryFinished |= initial;
            assignPendingSplits(context.registeredReaders().keySet());
            return;
        }
        LOG.info("Discovered {} partitions: {}", initial ? "initial" : "new", fresh);
        initializing.addAll(fresh);
        context.callAsync(() -> createSplits(fresh, initial), this::onSplitsCreated);
    }

    /** Runs on the worker thread. */
    private NewSplits createSplits(Set<TopicPartition> partitions, boolean initial) {
        AdminOffsetsRetriever offsets = new AdminOffsetsRetriever(
                admin, properties.getProperty(ConsumerConfig.GROUP_ID_CONFIG), isolationLevel());
        OffsetsInitializer starting = initial ? startingOffsets : newPartitionOffsets;
        Map<TopicPartition, Long> starts = starting.getPartitionOffsets(partitions, offsets);
        Map<TopicPartition, Long> stops = stoppingOffsets.getPartitionOffsets(partitions, offsets);
        List<MillraceSplit> splits = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            Long start = starts.get(partition);
            if (start == null) {
                throw new IllegalStateException(
                        "The starting offsets (" + starting + ") gave no offset for " + partition);
            }
            splits.add(new MillraceSplit(
                    partition, start, stops.getOrDefault(partition, MillraceSplit.NO_STOPPING_OFFSET)));
        }
        return new NewSplits(partitions, splits, initial);
    }

    private void onSplitsCreated(NewSplits created, @Nullable Throwable failure) {
        if (failure != null) {
            throw new FlinkRuntimeException("Failed to resolve the offsets of new partitions", failure);
        }
        initializing.removeAll(created.partitions());
        initialDiscoveryFinished |= created.initial();
        created.splits().forEach(split -> unassigned.put(split.partition(), split));
        assignPendingSplits(context.registeredReaders().keySet());
    }

    private void assignPendingSplits(Collection<Integer> readers) {
        int parallelism = context.currentParallelism();
        Map<Integer, List<MillraceSplit>> assignment = new HashMap<>();
        List<MillraceSplit> pending = new ArrayList<>(unassigned.values());
        pending.sort(Comparator.comparing((MillraceSplit s) -> s.partition().topic())
                .thenComparingInt(s -> s.partition().partition()));
        for (MillraceSplit split : pending) {
            int owner = SplitOwners.owner(split.partition(), parallelism);
            if (readers.contains(owner)) {
                assignment.computeIfAbsent(owner, r -> new ArrayList<>()).add(split);
                unassigned.remove(split.partition());
                assigned.put(split.partition(), split);
            }
        }
        if (!assignment.isEmpty()) {
            LOG.info("Assigning splits to readers: {}", assignment);
            context.assignSplits(new SplitsAssignment<>(assignment));
        }
        // what is still unassigned belongs to readers not registered yet
        if (discoveryComplete()) {
            readers.forEach(context::signalNoMoreSplits);
        }
    }

    /** Whether a bounded source knows every split it will ever have. */
    private boolean discoveryComplete() {
        return boundedness == Boundedness.BOUNDED && initialDiscoveryFinished && initializing.isEmpty();
    }

    private IsolationLevel isolationLevel() {
        String level = properties.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return IsolationLevel.valueOf(level.trim().toUpperCase(Locale.ROOT));
    }

    /** Splits made on the worker thread for partitions of one discovery. */
    private record NewSplits(Set<TopicPartition> partitions, List<MillraceSplit> splits, boolean initial) {}
}
