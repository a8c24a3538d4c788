package io.millrace.broker.coordinator.group;

import io.millrace.broker.common.Clock;
import io.millrace.broker.coordinator.CoordinatorExecutor;
import io.millrace.broker.log.VerificationGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator: consumer groups (classic and KIP-848 protocols) and their committed
 * offsets, kept in the compacted internal topic {@code __consumer_offsets} and rebuilt from it at
 * startup.
 *
 * <p>Threading: every request is handed to the single coordinator thread ({@link
 * CoordinatorExecutor}), which owns all group state; the returned future completes on that thread
 * once the request's records are durable. While a {@code __consumer_offsets} partition is being
 * loaded its groups answer COORDINATOR_LOAD_IN_PROGRESS. When an append fails the partition is
 * reloaded from the log, so memory never keeps what the log does not have.
 */
public final class GroupCoordinator {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private enum PartitionState {
        LOADING,
        LOADED,
        FAILED
    }

    private final GroupCoordinatorConfig config;
    private final Clock clock;
    private final CoordinatorExecutor executor;
    private final OffsetsLog offsetsLog;
    private final GroupStore store;
    private final CoordinatorContext ctx;
    private final ClassicGroupManager classic;
    private final ConsumerGroupManager consumer;
    private final OffsetManager offsets;
    private final TxnOffsetCommitter txnOffsets;
    private final GroupAdmin admin;
    private final PartitionState[] states;
    private Executor loader;
    private long loadStartNanos;

    public GroupCoordinator(
            GroupCoordinatorConfig config,
            Clock clock,
            CoordinatorExecutor executor,
            OffsetsLog offsetsLog,
            TopicsView topics) {
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        this.offsetsLog = offsetsLog;
        this.store = new GroupStore(offsetsLog.partitionCount(), topics);
        this.ctx = new CoordinatorContext(config, clock, new Timers(executor), store, new LogWriter(), topics);
        this.classic = new ClassicGroupManager(ctx);
        this.consumer = new ConsumerGroupManager(ctx);
        this.offsets = new OffsetManager(ctx, classic.rebalance());
        this.txnOffsets = new TxnOffsetCommitter(ctx, offsets);
        this.admin = new GroupAdmin(ctx);
        this.states = new PartitionState[offsetsLog.partitionCount()];
        java.util.Arrays.fill(states, PartitionState.LOADING);
    }

    public GroupCoordinatorConfig config() {
        return config;
    }

    /** The {@code __consumer_offsets} partition of a group. */
    public int partitionFor(String groupId) {
        return store.partitionFor(groupId);
    }

    /**
     * Loads every partition on {@code loader} (blocking disk reads) and applies the records on the
     * coordinator thread; groups of a partition are served once it is loaded.
     */
    public void startup(Executor loader) {
        this.loader = loader;
        this.loadStartNanos = clock.nanoseconds();
        for (int p = 0; p < states.length; p++) {
            int partition = p;
            loader.execute(() -> load(partition));
        }
        scheduleExpiry();
    }

    /** What a replay found, applied on the coordinator thread in log order. */
    private sealed interface Replayed {
        record Plain(GroupRecord record) implements Replayed {}

        record Transactional(long producerId, GroupRecord record) implements Replayed {}

        record Marker(long producerId, boolean commit) implements Replayed {}
    }

    private void load(int partition) {
        List<Replayed> records = new ArrayList<>();
        try {
            offsetsLog.replay(partition, new OffsetsLog.ReplaySink() {
                @Override
                public void record(GroupRecord record) {
                    records.add(new Replayed.Plain(record));
                }

                @Override
                public void transactionalRecord(long producerId, GroupRecord record) {
                    records.add(new Replayed.Transactional(producerId, record));
                }

                @Override
                public void marker(long producerId, boolean commit) {
                    records.add(new Replayed.Marker(producerId, commit));
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            log.error(
                    "Could not load __consumer_offsets partition {}: {}. Its groups answer COORDINATOR_NOT_AVAILABLE "
                            + "until the broker restarts; check the disk and the broker log above.",
                    partition,
                    e.toString(),
                    e);
            executor.execute(() -> states[partition] = PartitionState.FAILED);
            return;
        }
        executor.execute(() -> {
            long now = clock.milliseconds();
            for (Replayed r : records) {
                if (r instanceof Replayed.Plain plain) {
                    store.replay(plain.record(), now);
                } else if (r instanceof Replayed.Transactional t && t.record() instanceof GroupRecord.OffsetCommit c) {
                    store.replayTransactional(t.producerId(), c);
                } else if (r instanceof Replayed.Marker m) {
                    store.completeTransaction(partition, m.producerId(), m.commit(), now);
                }
            }
            states[partition] = PartitionState.LOADED;
            int groups = 0;
            for (Group g : store.all()) {
                if (g.partition() == partition) {
                    groups++;
                    if (g instanceof ClassicGroup c) {
                        classic.onLoaded(c);
                    } else if (g instanceof ConsumerGroup c) {
                        consumer.onLoaded(c);
                    }
                }
            }
            if (groups > 0) {
                log.info(
                        "Loaded {} group(s) from __consumer_offsets partition {} ({} records)",
                        groups,
                        partition,
                        records.size());
            }
            if (allLoaded()) {
                log.info(
                        "Group coordinator ready: {} group(s) loaded from {} __consumer_offsets partitions in {} ms",
                        store.all().size(),
                        states.length,
                        (clock.nanoseconds() - loadStartNanos) / 1_000_000);
            }
        });
    }

    private boolean allLoaded() {
        for (PartitionState s : states) {
            if (s == PartitionState.LOADING) {
                return false;
            }
        }
        return true;
    }

    private Set<Integer> loadedPartitions() {
        Set<Integer> out = new HashSet<>();
        for (int p = 0; p < states.length; p++) {
            if (states[p] == PartitionState.LOADED) {
                out.add(p);
            }
        }
        return out;
    }

    private void scheduleExpiry() {
        executor.schedule(
                () -> {
                    offsets.expire(loadedPartitions());
                    scheduleExpiry();
                },
                config.offsetsRetentionCheckIntervalMs());
    }

    /** Whether requests for the group can be served now; runs on the coordinator thread. */
    private Errors availability(String groupId) {
        return switch (states[store.partitionFor(groupId)]) {
            case LOADED -> Errors.NONE;
            case LOADING -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case FAILED -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** Writes to the offsets log; a failed write reloads the partition's groups from what the log holds. */
    private final class LogWriter implements RecordWriter {

        @Override
        public void write(int partition, List<GroupRecord> records, Consumer<Errors> done) {
            if (records.isEmpty()) {
                offsetsLog.afterDurable(partition, done);
                return;
            }
            offsetsLog.append(partition, records, clock.milliseconds(), error -> {
                if (error != Errors.NONE) {
                    reload(partition, error);
                }
                done.accept(error);
            });
        }

        @Override
        public void writeTransactional(
                int partition,
                List<GroupRecord> records,
                long producerId,
                short producerEpoch,
                VerificationGuard guard,
                Consumer<Errors> done) {
            offsetsLog.appendTransactional(
                    partition, records, producerId, producerEpoch, guard, clock.milliseconds(), error -> {
                        // A producer-state refusal wrote nothing; any other failure may have left the log unsure.
                        if (error != Errors.NONE
                                && error != Errors.INVALID_PRODUCER_EPOCH
                                && error != Errors.INVALID_TXN_STATE) {
                            reload(partition, error);
                        }
                        done.accept(error);
                    });
        }
    }

    /** After a failed write: forget the partition's groups and read them back from what the log holds. */
    private void reload(int partition, Errors cause) {
        if (states[partition] != PartitionState.LOADED) {
            return;
        }
        log.error(
                "Writing to __consumer_offsets partition {} failed ({}); reloading its groups from the log",
                partition,
                cause.name());
        states[partition] = PartitionState.LOADING;
        for (Group g : store.all()) {
            if (g.partition() == partition && g instanceof ClassicGroup c) {
                c.members().forEach(m -> classic.rebalance().failParked(c, m, Errors.NOT_COORDINATOR));
            }
        }
        store.unload(partition);
        loader.execute(() -> load(partition));
    }

    /** Runs {@code op} on the coordinator thread once the group is available, else answers {@code onError}. */
    private <T> CompletableFuture<T> submit(
            String groupId, boolean requireId, Function<Errors, T> onError, Consumer<CompletableFuture<T>> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                Errors error = requireId && groupId.isEmpty() ? Errors.INVALID_GROUP_ID : availability(groupId);
                if (error != Errors.NONE) {
                    future.complete(onError.apply(error));
                } else {
                    op.accept(future);
                }
            } catch (RuntimeException e) {
                log.error("Group request for group '{}' failed unexpectedly: {}", groupId, e.toString(), e);
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    // ---- classic protocol

    public CompletableFuture<JoinGroupResponseData> joinGroup(ClientInfo client, JoinGroupRequestData request) {
        return submit(
                request.groupId(),
                true,
                e -> ClassicGroup.joinError(request.memberId(), e),
                f -> classic.join(client, request, f));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return submit(
                request.groupId(),
                true,
                e -> new SyncGroupResponseData().setErrorCode(e.code()).setAssignment(ClassicMember.EMPTY_ASSIGNMENT),
                f -> classic.sync(request, f));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        return submit(request.groupId(), true, e -> new HeartbeatResponseData().setErrorCode(e.code()), f -> {
            HeartbeatResponseData response = classic.heartbeat(
                    request.groupId(), request.memberId(), request.groupInstanceId(), request.generationId());
            ctx.writer.write(store.partitionFor(request.groupId()), List.of(), error -> f.complete(response));
        });
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> members) {
        return submit(groupId, true, e -> new LeaveGroupResponseData().setErrorCode(e.code()), f -> {
            LeaveGroupResponseData response = classic.leave(groupId, members);
            ctx.writer.write(store.partitionFor(groupId), List.of(), error -> f.complete(response));
        });
    }

    // ---- consumer protocol (KIP-848)

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            ClientInfo client, ConsumerGroupHeartbeatRequestData request) {
        return submit(
                request.groupId(),
                false,
                e -> new ConsumerGroupHeartbeatResponseData().setErrorCode(e.code()),
                f -> consumer.heartbeat(client, request, f));
    }

    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            List<String> groupIds) {
        CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> future = new CompletableFuture<>();
        onLoop(future, () -> {
            List<ConsumerGroupDescribeResponseData.DescribedGroup> out = new ArrayList<>();
            for (String id : groupIds) {
                Errors e = id.isEmpty() ? Errors.INVALID_GROUP_ID : availability(id);
                out.add(
                        e != Errors.NONE
                                ? new ConsumerGroupDescribeResponseData.DescribedGroup()
                                        .setGroupId(id)
                                        .setErrorCode(e.code())
                                : admin.describeConsumer(id));
            }
            future.complete(out);
        });
        return future;
    }

    // ---- offsets

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(
            ClientInfo client, OffsetCommitRequestData request) {
        return submit(
                request.groupId(),
                true,
                e -> OffsetResponses.commitError(request, e),
                f -> offsets.commit(client, request, f));
    }

    /**
     * TxnOffsetCommit: offsets committed within the producer's transaction, pending until its marker
     * lands in the group's partition ({@link #onTransactionCompleted}).
     *
     * @param guard the verification guard of the group's {@code __consumer_offsets} partition (the
     *              transaction coordinator confirmed it is part of the transaction)
     */
    public CompletableFuture<TxnOffsetCommitResponseData> commitTransactionalOffsets(
            ClientInfo client, TxnOffsetCommitRequestData request, VerificationGuard guard) {
        return submit(
                request.groupId(),
                true,
                e -> OffsetResponses.txnCommitError(request, e),
                f -> txnOffsets.commit(client, request, guard, f));
    }

    /**
     * A transaction marker of {@code producerId} is durable in {@code __consumer_offsets} partition
     * {@code partition}: the offsets its transaction committed there take effect (commit) or are
     * dropped (abort).
     */
    public void onTransactionCompleted(int partition, long producerId, boolean commit) {
        executor.execute(() -> {
            if (states[partition] != PartitionState.LOADED) {
                return; // the load replays the marker
            }
            int count = store.completeTransaction(partition, producerId, commit, clock.milliseconds());
            if (count > 0) {
                log.debug(
                        "{} {} offset(s) of producer {}'s transaction on __consumer_offsets partition {}",
                        commit ? "Committed" : "Dropped",
                        count,
                        producerId,
                        partition);
            }
        });
    }

    /** OffsetFetch for several groups (one per group of the request); topics by id when {@code byId}. */
    public CompletableFuture<List<OffsetFetchResponseGroup>> fetchOffsets(
            List<OffsetFetchRequestGroup> groups, boolean byId) {
        return fetchOffsets(groups, byId, false);
    }

    /**
     * OffsetFetch; with {@code requireStable} (KIP-447) partitions with offsets of an undecided
     * transaction answer UNSTABLE_OFFSET_COMMIT.
     */
    public CompletableFuture<List<OffsetFetchResponseGroup>> fetchOffsets(
            List<OffsetFetchRequestGroup> groups, boolean byId, boolean requireStable) {
        CompletableFuture<List<OffsetFetchResponseGroup>> future = new CompletableFuture<>();
        onLoop(future, () -> {
            List<OffsetFetchResponseGroup> out = new ArrayList<>();
            Set<Integer> partitions = new HashSet<>();
            for (OffsetFetchRequestGroup g : groups) {
                Errors e = availability(g.groupId());
                if (e != Errors.NONE) {
                    out.add(new OffsetFetchResponseGroup()
                            .setGroupId(g.groupId())
                            .setErrorCode(e.code()));
                } else {
                    out.add(offsets.fetch(g, byId, requireStable));
                    partitions.add(store.partitionFor(g.groupId()));
                }
            }
            // Answer only with durable state: wait for writes still in flight on those partitions.
            int[] pending = {partitions.size()};
            if (pending[0] == 0) {
                future.complete(out);
            }
            for (int p : partitions) {
                offsetsLog.afterDurable(p, error -> {
                    if (--pending[0] == 0) {
                        future.complete(out);
                    }
                });
            }
        });
        return future;
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return submit(
                request.groupId(),
                true,
                e -> new OffsetDeleteResponseData().setErrorCode(e.code()),
                f -> offsets.delete(request, f));
    }

    /** Removes the committed offsets of a deleted topic from every group. */
    public void onTopicDeleted(String topic) {
        executor.execute(() -> offsets.onTopicDeleted(topic, loadedPartitions()));
    }

    // ---- admin

    public CompletableFuture<ListGroupsResponseData> listGroups(List<String> statesFilter, List<String> typesFilter) {
        CompletableFuture<ListGroupsResponseData> future = new CompletableFuture<>();
        onLoop(
                future,
                () -> future.complete(new ListGroupsResponseData()
                        .setErrorCode(allLoaded() ? Errors.NONE.code() : Errors.COORDINATOR_LOAD_IN_PROGRESS.code())
                        .setGroups(admin.list(statesFilter, typesFilter))));
        return future;
    }

    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds, short version) {
        CompletableFuture<List<DescribedGroup>> future = new CompletableFuture<>();
        onLoop(future, () -> {
            List<DescribedGroup> out = new ArrayList<>();
            for (String id : groupIds) {
                Errors e = id.isEmpty() ? Errors.INVALID_GROUP_ID : availability(id);
                out.add(
                        e != Errors.NONE
                                ? new DescribedGroup()
                                        .setGroupId(id)
                                        .setErrorCode(e.code())
                                        .setGroupState("")
                                        .setProtocolType("")
                                        .setProtocolData("")
                                : admin.describeClassic(id, version));
            }
            future.complete(out);
        });
        return future;
    }

    public CompletableFuture<DeletableGroupResultCollection> deleteGroups(List<String> groupIds) {
        CompletableFuture<DeletableGroupResultCollection> future = new CompletableFuture<>();
        onLoop(future, () -> {
            Map<String, Errors> preErrors = new HashMap<>();
            for (String id : groupIds) {
                Errors e = id.isEmpty() ? Errors.INVALID_GROUP_ID : availability(id);
                if (e != Errors.NONE) {
                    preErrors.put(id, e);
                }
            }
            admin.delete(groupIds, preErrors, future);
        });
        return future;
    }

    private void onLoop(CompletableFuture<?> future, Runnable task) {
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Group coordinator request failed unexpectedly: {}", e.toString(), e);
                future.completeExceptionally(e);
            }
        });
    }
}
