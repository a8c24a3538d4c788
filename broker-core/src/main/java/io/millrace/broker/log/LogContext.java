package io.millrace.broker.log;

import io.millrace.broker.common.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The node-wide services every {@link PartitionLog} uses, owned by {@link LogManager}.
 *
 * @param clock     time for timestamps, rolling, retention and flush.ms
 * @param channels  opens every segment and index file (through the injected factory: fault
 *                  injection in tests) and bounds the open descriptors and index mappings
 * @param committer the group-commit thread
 * @param scheduler the log scheduler thread (snapshot writes, delayed deletions, periodic tasks)
 * @param deleter   delayed file deletion
 * @param preallocateBytes largest zero-filled space ahead of an active segment's end (0: none)
 * @param dirty     notes partitions taking appends, for the startup after a crash
 */
record LogContext(
        Clock clock,
        SegmentChannels channels,
        GroupCommitter committer,
        ScheduledExecutorService scheduler,
        FileDeleter deleter,
        int preallocateBytes,
        DirtyPartitions dirty) {}
