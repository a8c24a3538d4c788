package io.millrace.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Resource use of a broker process read from Linux's {@code /proc/<pid>}: CPU time from
 * {@code stat} (user + system, in clock ticks) and peak resident set size from {@code status}
 * ({@code VmHWM}). The peak is reset per workload by writing {@code 5} to {@code clear_refs}, so
 * each workload reports its own peak rather than the process's lifetime peak.
 *
 * <p>Stateless and thread-safe. On a system without {@code /proc} every figure is reported as
 * unavailable ({@code -1}) instead of failing the run.
 */
final class ProcStats {

    /** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux ABI. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {}

    /** User plus system CPU time of the process in nanoseconds, or -1 when unavailable. */
    static long cpuNanos(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return -1;
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        int close = stat.lastIndexOf(')');
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /**
     * Where the machine's CPU time went since boot, in nanoseconds: user, nice and system time of
     * all tasks; irq and softirq time (attributed to no task: interrupts, loopback network
     * processing); time stolen by the hypervisor; and, inside the task time, what kernel threads
     * (children of kthreadd: block I/O, journaling, ksoftirqd) used.
     */
    record MachineCpu(long taskNanos, long interruptNanos, long stealNanos, long kernelThreadNanos) {}

    /** A {@link MachineCpu} snapshot from {@code /proc/stat} and {@code /proc/<pid>/stat}; null when unavailable. */
    static MachineCpu machineCpu() {
        String stat = read(Path.of("/proc/stat"));
        if (stat == null || !stat.startsWith("cpu ")) {
            return null;
        }
        // user nice system idle iowait irq softirq steal
        String[] f = stat.substring(4, stat.indexOf('\n')).trim().split("\\s+");
        long tick = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        long tasks = (Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2])) * tick;
        long interrupts = (Long.parseLong(f[5]) + Long.parseLong(f[6])) * tick;
        long steal = f.length > 7 ? Long.parseLong(f[7]) * tick : 0;
        long kernelThreads = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String ps = read(proc.resolve("stat"));
                if (ps == null) {
                    continue;
                }
                String[] fields = ps.substring(ps.lastIndexOf(')') + 2).trim().split("\\s+");
                // fields[1] is the parent pid (field 4); kernel threads are kthreadd (2) and its children.
                if (name.equals("2") || fields[1].equals("2")) {
                    kernelThreads += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * tick;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new MachineCpu(tasks, interrupts, steal, kernelThreads);
    }

    /**
     * User and system CPU time in nanoseconds of every thread of the process, summed by thread
     * name with digits folded ("millrace-network-1-2" and "-1-3" both count as
     * "millrace-network-N-N"); empty when unavailable.
     */
    static Map<String, long[]> threadCpuNanos(long pid) {
        Map<String, long[]> out = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                String stat = read(task.resolve("stat"));
                if (stat == null) {
                    continue;
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close).replaceAll("\\d+", "N");
                String[] fields = stat.substring(close + 2).trim().split("\\s+");
                long[] acc = out.computeIfAbsent(name, k -> new long[2]);
                acc[0] += Long.parseLong(fields[11]) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
                acc[1] += Long.parseLong(fields[12]) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /** Peak resident set size since the last {@link #resetPeakRss} (or the start), in bytes; -1 when unavailable. */
    static long peakRssBytes(long pid) {
        return bytes(statusKilobytes(pid, "VmHWM:"));
    }

    /** Current resident set size in bytes; -1 when unavailable. */
    static long rssBytes(long pid) {
        return bytes(statusKilobytes(pid, "VmRSS:"));
    }

    /** Resets the process's peak RSS to its current RSS; returns false when the kernel refused. */
    static boolean resetPeakRss(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long bytes(long kilobytes) {
        return kilobytes < 0 ? -1 : kilobytes * 1024;
    }

    private static long statusKilobytes(long pid, String field) {
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        if (status == null) {
            return -1;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return -1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
