package io.millrace.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints a job retained in its checkpoint directory: Flink writes each completed one as
 * {@code <directory>/<job id>/chk-<n>/_metadata}, and the {@code chk-<n>} directory is what a new
 * job restores from. Stateless.
 */
public final class RetainedCheckpoints {

    private RetainedCheckpoints() {}

    /** The newest completed checkpoint of job {@code jobId} under {@code directory}, if any. */
    public static Optional<Path> latest(Path directory, String jobId) {
        Path jobDir = directory.resolve(jobId);
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(jobDir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(Comparator.comparingLong(RetainedCheckpoints::number));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the checkpoints in " + jobDir, e);
        }
    }

    /** The {@code n} of a {@code chk-<n>} directory. */
    public static long number(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
    }
}
