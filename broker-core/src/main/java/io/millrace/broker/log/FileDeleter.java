package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes removed segments and trashed partition directories after a delay
 * (file.delete.delay.ms), so fetches already holding a {@link FileSlice} of them can finish: the
 * segment's channel is closed for good only when its files are deleted (until then it reopens
 * them, under their {@code .deleted} names or in the trash, if the cache closed it meanwhile).
 *
 * <p>Runs on the log scheduler. Pending deletions are remembered so that shutdown can close their
 * channels; files left behind by a crash ({@code .deleted} files, {@code .trash} entries) are
 * removed at the next startup. Thread-safe.
 */
final class FileDeleter {

    private static final Logger LOG = LoggerFactory.getLogger(FileDeleter.class);

    private final ScheduledExecutorService scheduler;
    private final Set<Runnable> pending = ConcurrentHashMap.newKeySet();

    FileDeleter(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Closes and deletes the segments' files after {@code delayMs}. */
    void deleteSegmentsLater(String topicPartition, List<LogSegment> segments, long delayMs) {
        later(delayMs, () -> {
            for (LogSegment segment : segments) {
                try {
                    segment.closeAndDelete();
                } catch (IOException e) {
                    LOG.warn(
                            "Could not delete the files of removed segment {} of {} ({}); they will be removed at"
                                    + " the next startup",
                            segment.logFile(),
                            topicPartition,
                            e.toString());
                }
            }
        });
    }

    /** Closes the segments and deletes the whole directory tree after {@code delayMs}. */
    void deleteDirectoryLater(String what, Path dir, List<LogSegment> segments, long delayMs) {
        later(delayMs, () -> {
            for (LogSegment segment : segments) {
                try {
                    segment.close();
                } catch (IOException e) {
                    LOG.debug("Closing {} failed", segment.logFile(), e);
                }
            }
            deleteTree(what, dir);
        });
    }

    private void later(long delayMs, Runnable task) {
        Runnable once = new Runnable() {
            @Override
            public void run() {
                if (pending.remove(this)) {
                    task.run();
                }
            }
        };
        pending.add(once);
        try {
            scheduler.schedule(once, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            once.run();
        }
    }

    /** Runs every pending deletion now (shutdown: no reads can be in flight any more). */
    void runPendingNow() {
        for (Runnable task : List.copyOf(pending)) {
            task.run();
        }
    }

    /** Deletes a directory tree, logging (not throwing) what could not be deleted. */
    static void deleteTree(String what, Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone.
        } catch (IOException e) {
            LOG.warn("Could not delete {} at {} ({}); it will be retried at the next startup", what, dir, e.toString());
        }
    }
}
