package io.millrace.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a command under a limit of open files, as {@code ulimit -n N} typed before it would: the
 * command goes through {@code /bin/sh -c 'ulimit -n N && exec "$@"'}. Because of {@code exec} the
 * process keeps the shell's pid, so signals and {@code /proc/<pid>} reach the command itself.
 * {@code ulimit -n} sets the soft and the hard limit alike, which matters for a JVM: HotSpot raises
 * its soft limit to the hard one at startup on Linux ({@code -XX:+MaxFDLimit}), so a lower soft
 * limit alone would not hold.
 *
 * <p>Only root can raise a hard limit, so a limit above the hard limit of the shell this JVM
 * starts cannot be had; {@link #requireWithinHardLimit} says so before anything starts. Stateless.
 */
public final class OpenFileLimit {

    private OpenFileLimit() {}

    /** {@code command} started through a shell that first sets the open-file limit to {@code limit}. */
    public static List<String> wrap(int limit, List<String> command) {
        if (limit <= 0) {
            throw new IllegalArgumentException("An open-file limit must be positive, not " + limit);
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add("/bin/sh");
        wrapped.add("-c");
        wrapped.add("ulimit -n " + limit + " && exec \"$@\"");
        wrapped.add("sh"); // $0 of the script; the command follows as "$@"
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Fails with an explanation when a process started from here cannot get {@code limit} open
     * files, i.e. when {@code limit} is above the hard limit ({@code ulimit -Hn}).
     */
    public static void requireWithinHardLimit(int limit) {
        require(limit, hardLimit());
    }

    /** The hard limit of open files of a shell started from here ({@code ulimit -Hn}), or {@link ProcFs#UNLIMITED}. */
    public static long hardLimit() {
        ProcessResult result = ExternalCommand.run(
                List.of("/bin/sh", "-c", "ulimit -Hn"), null, Map.of(), null, Duration.ofSeconds(30));
        if (result.exitCode() != 0) {
            throw new IllegalStateException(
                    "Cannot read the hard limit of open files (ulimit -Hn): " + result.describe());
        }
        String value = result.stdout().trim();
        return value.equals("unlimited") ? ProcFs.UNLIMITED : Long.parseLong(value);
    }

    static void require(int limit, long hardLimit) {
        if (limit > hardLimit) {
            throw new IllegalStateException("Cannot run a process under an open-file limit of " + limit
                    + ": the hard limit here is " + hardLimit + " (ulimit -Hn), and only root can raise it."
                    + " Raise the hard limit of open files for this user (e.g. 'nofile' in"
                    + " /etc/security/limits.conf, or LimitNOFILE of the service), or ask for at most " + hardLimit
                    + ".");
        }
    }
}
