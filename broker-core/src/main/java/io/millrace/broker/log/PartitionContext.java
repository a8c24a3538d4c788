package io.millrace.broker.log;

import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the parts of one partition's log ({@link TransactionState}, {@link LogAppender},
 * {@link LogReader}, {@link LogFlusher}, {@link SegmentRemoval}) share, created by its
 * {@link PartitionLog}. Immutable, and holds no files of its own; {@code lock} guards what
 * {@link PartitionLog} says, each other part's class says how it is shared.
 *
 * @param log        the partition's log: its configuration and status (offline, closed, deleted,
 *                   see {@link PartitionLog#goOffline}), and its identity towards the group
 *                   committer and the durable listener
 * @param name       topic-partition, for messages
 * @param dir        the partition directory
 * @param ctx        the node-wide services
 * @param lock       the partition lock (see {@link PartitionLog} for what it guards)
 * @param segments   the segments and the offsets they span
 * @param durability the durable point and the acks=all waiters
 */
record PartitionContext(
        PartitionLog log,
        String name,
        Path dir,
        LogContext ctx,
        ReentrantLock lock,
        SegmentList segments,
        DurabilityTracker durability) {}
