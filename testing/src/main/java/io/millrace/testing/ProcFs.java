package io.millrace.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a running Linux process holds, read from {@code /proc/<pid>}: its open file descriptors
 * (the entries of {@code fd/}), its threads and resident set size ({@code Threads:} and
 * {@code VmRSS:} of {@code status}), its open-file limit ({@code limits}) and the CPU time of
 * its threads ({@code task/<tid>/stat}). For tests and
 * benchmarks that watch a broker process.
 *
 * <p>Stateless and thread-safe. Reading a process that does not exist (or a system without
 * {@code /proc}) fails with an {@link IllegalStateException} naming the file.
 */
public final class ProcFs {

    /** What {@code /proc/<pid>/limits} says for a limit without a bound. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private ProcFs() {}

    /** How many file descriptors (files, sockets, pipes, ...) the process has open. */
    public static int openFileCount(long pid) {
        Path fds = proc(pid).resolve("fd");
        try (Stream<Path> entries = Files.list(fds)) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list " + fds + ": " + e, e);
        }
    }

    /** How many threads the process runs. */
    public static int threadCount(long pid) {
        return Math.toIntExact(statusValue(pid, "Threads:"));
    }

    /** The process's resident set size in bytes. */
    public static long rssBytes(long pid) {
        return statusValue(pid, "VmRSS:") * 1024;
    }

    /**
     * A number field of {@code /proc/<pid>/status}, e.g. {@code "VmHWM:"} (in kB, as the file
     * gives it) or {@code "Threads:"}.
     */
    public static long statusValue(long pid, String field) {
        Path status = proc(pid).resolve("status");
        for (String line : read(status).split("\n")) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("No " + field + " in " + status);
    }

    /** The process's soft limit of open files ({@code ulimit -n}), or {@link #UNLIMITED}. */
    public static long openFileLimit(long pid) {
        Path limits = proc(pid).resolve("limits");
        for (String line : read(limits).split("\n")) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? UNLIMITED : Long.parseLong(soft);
            }
        }
        throw new IllegalStateException("No 'Max open files' in " + limits);
    }

    /**
     * CPU time, user and system, in milliseconds, that the process's threads whose name starts with
     * {@code threadNamePrefix} have used so far. Linux keeps the first 15 characters of a thread
     * name, so a longer prefix is cut to them; times come in the kernel's fixed 100 ticks a second.
     */
    public static long threadCpuMillis(long pid, String threadNamePrefix) {
        String prefix = threadNamePrefix.length() > 15 ? threadNamePrefix.substring(0, 15) : threadNamePrefix;
        Path tasks = proc(pid).resolve("task");
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    continue; // the thread ended while we listed
                }
                // "tid (name) state ppid ...": the name may hold spaces, so split after its last ')'.
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (stat.substring(open + 1, close).startsWith(prefix)) {
                    String[] fields = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list " + tasks + ": " + e, e);
        }
        return ticks * 10;
    }

    private static Path proc(long pid) {
        return Path.of("/proc", Long.toString(pid));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file + " (has the process exited?): " + e, e);
        }
    }
}
