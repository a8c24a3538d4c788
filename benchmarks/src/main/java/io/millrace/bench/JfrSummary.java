package io.millrace.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises Java Flight Recorder recordings of a broker as markdown: where CPU samples fall (hot
 * methods by self and by inclusive time, per thread), where threads wait in native code, what
 * allocates, which locks and parks block, fsync counts and durations, and GC pauses. JDK 17's
 * {@code jfr} tool has no such views, so this reads the events with {@code jdk.jfr.consumer}.
 *
 * <p>Usage: {@code JfrSummary <output.md> <recording.jfr>...}. Stateless.
 */
public final class JfrSummary {

    private static final int TOP = 15;
    /** Frames of these packages are infrastructure: an allocation or wait is attributed to the first frame outside them. */
    private static final List<String> INFRASTRUCTURE = List.of("java.", "jdk.", "sun.", "javax.");

    private JfrSummary() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JfrSummary <output.md> <recording.jfr>...");
            System.exit(2);
        }
        StringBuilder md = new StringBuilder();
        for (int i = 1; i < args.length; i++) {
            md.append(summarise(Path.of(args[i])));
        }
        Files.writeString(Path.of(args[0]), md.toString(), StandardCharsets.UTF_8);
    }

    /** The markdown section for one recording. */
    static String summarise(Path recording) throws IOException {
        Tally self = new Tally();
        Tally inclusive = new Tally();
        Tally threads = new Tally();
        Tally nativeTop = new Tally();
        Tally nativeThreads = new Tally();
        Tally allocClass = new Tally();
        Tally allocSite = new Tally();
        Tally monitors = new Tally();
        Tally parks = new Tally();
        Map<String, double[]> threadCpu = new HashMap<>();
        List<Long> fsyncNanos = new ArrayList<>();
        long gcCount = 0;
        long gcPauseNanos = 0;
        long gcLongestNanos = 0;
        double jvmCpuSum = 0;
        double machineCpuSum = 0;
        int cpuLoadCount = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                // The recording's span, from the samplers only: they fire every few milliseconds
                // while it runs, whereas other events may carry times from before it started.
                if (type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample")) {
                    long t = e.getEndTime().toEpochMilli();
                    first = Math.min(first, t);
                    last = Math.max(last, t);
                }
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        List<RecordedFrame> frames = frames(e.getStackTrace());
                        if (frames.isEmpty()) {
                            continue;
                        }
                        self.add(method(frames.get(0)), 1);
                        Set<String> seen = new HashSet<>();
                        for (RecordedFrame f : frames) {
                            String m = method(f);
                            if (m.startsWith("io.millrace.") && seen.add(m)) {
                                inclusive.add(m, 1);
                            }
                        }
                        threads.add(threadName(e.getThread("sampledThread")), 1);
                    }
                    case "jdk.NativeMethodSample" -> {
                        List<RecordedFrame> frames = frames(e.getStackTrace());
                        String thread = threadName(e.getThread("sampledThread"));
                        nativeThreads.add(thread, 1);
                        if (!frames.isEmpty()) {
                            nativeTop.add(thread + ": " + method(frames.get(0)), 1);
                        }
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        List<RecordedFrame> frames = frames(e.getStackTrace());
                        if (frames.stream().anyMatch(f -> method(f).startsWith("jdk.jfr."))) {
                            continue; // the recorder's own allocations
                        }
                        long weight = e.getLong("weight");
                        allocClass.add(e.getClass("objectClass").getName(), weight);
                        allocSite.add(applicationFrame(frames), weight);
                    }
                    case "jdk.JavaMonitorEnter" ->
                        monitors.add(
                                e.getClass("monitorClass").getName() + " at "
                                        + applicationFrame(frames(e.getStackTrace())),
                                e.getDuration().toNanos());
                    case "jdk.ThreadPark" ->
                        parks.add(
                                threadName(e.getThread()) + " at " + applicationFrame(frames(e.getStackTrace())),
                                e.getDuration().toNanos());
                    case "jdk.FileForce" -> fsyncNanos.add(e.getDuration().toNanos());
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        long pause = e.getDuration("sumOfPauses").toNanos();
                        gcPauseNanos += pause;
                        gcLongestNanos = Math.max(
                                gcLongestNanos, e.getDuration("longestPause").toNanos());
                    }
                    case "jdk.ThreadCPULoad" -> {
                        double[] acc =
                                threadCpu.computeIfAbsent(threadName(e.getThread("eventThread")), k -> new double[2]);
                        acc[0] += e.getFloat("user") + e.getFloat("system");
                        acc[1]++;
                    }
                    case "jdk.CPULoad" -> {
                        jvmCpuSum += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
                        machineCpuSum += e.getFloat("machineTotal");
                        cpuLoadCount++;
                    }
                    default -> {
                        // other events are not summarised
                    }
                }
            }
        }
        double seconds = Math.max(1e-3, (last - first) / 1000.0);
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder md = new StringBuilder();
        md.append("### ").append(recording.getFileName()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Recording of %.1f s. ", seconds));
        if (cpuLoadCount > 0) {
            md.append(String.format(
                    Locale.ROOT,
                    "Broker JVM CPU %.0f%% of the machine (%.2f of %d cores), machine" + " total %.0f%%. ",
                    100 * jvmCpuSum / cpuLoadCount,
                    cores * jvmCpuSum / cpuLoadCount,
                    cores,
                    100 * machineCpuSum / cpuLoadCount));
        }
        md.append(String.format(
                Locale.ROOT, "%d Java execution samples, %d native samples.%n%n", self.total(), nativeThreads.total()));
        section(md, "Execution samples by thread", threads, "samples", false);
        if (!threadCpu.isEmpty()) {
            Tally cpu = new Tally();
            threadCpu.forEach((k, v) -> cpu.add(k, Math.round(10_000 * v[0] / v[1])));
            md.append(
                    "**Thread CPU (jdk.ThreadCPULoad, mean share of the machine)**\n\n| thread | CPU |\n|---|---:|\n");
            for (Map.Entry<String, Long> e : cpu.top(TOP)) {
                md.append("| ")
                        .append(e.getKey())
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f%%", e.getValue() / 100.0))
                        .append(" |\n");
            }
            md.append('\n');
        }
        section(md, "Hot methods (self, top frame)", self, "samples", true);
        section(md, "Millrace methods (inclusive: on the stack)", inclusive, "samples", true);
        section(md, "Native frames by thread (where threads wait or do I/O)", nativeTop, "samples", true);
        section(md, "Allocation by class (sampled weight, the recorder's own excluded)", allocClass, "bytes", true);
        section(md, "Allocation by site (first non-JDK frame)", allocSite, "bytes", true);
        md.append(String.format(
                Locale.ROOT, "Allocation rate (sampled estimate): %.0f MB/s.%n%n", allocClass.total() / 1e6 / seconds));
        durations(md, "Contended monitor enters (≥ 0.1 ms)", monitors);
        durations(md, "Thread parks (≥ 0.1 ms) by thread and first non-JDK frame", parks);
        fsyncs(md, fsyncNanos, seconds);
        md.append(String.format(
                Locale.ROOT,
                "GC: %d collections, %.1f ms paused in total (%.2f%% of the time)," + " longest pause %.1f ms.%n%n",
                gcCount,
                gcPauseNanos / 1e6,
                100 * gcPauseNanos / 1e9 / seconds,
                gcLongestNanos / 1e6));
        return md.toString();
    }

    private static void section(StringBuilder md, String title, Tally tally, String unit, boolean percent) {
        if (tally.total() == 0) {
            return;
        }
        md.append("**")
                .append(title)
                .append("**\n\n| ")
                .append(title.contains("thread") ? "where" : "what")
                .append(" | ")
                .append(unit)
                .append(" | share |\n|---|---:|---:|\n");
        for (Map.Entry<String, Long> e : tally.top(TOP)) {
            md.append("| `")
                    .append(e.getKey())
                    .append("` | ")
                    .append(String.format(Locale.ROOT, "%,d", e.getValue()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / tally.total()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static void durations(StringBuilder md, String title, Tally tally) {
        if (tally.total() == 0) {
            md.append("**").append(title).append("**: none.\n\n");
            return;
        }
        md.append("**").append(title).append("**\n\n| where | total ms | events |\n|---|---:|---:|\n");
        for (Map.Entry<String, Long> e : tally.top(TOP)) {
            md.append("| `")
                    .append(e.getKey())
                    .append("` | ")
                    .append(String.format(Locale.ROOT, "%,.1f", e.getValue() / 1e6))
                    .append(" | ")
                    .append(tally.count(e.getKey()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static void fsyncs(StringBuilder md, List<Long> nanos, double seconds) {
        if (nanos.isEmpty()) {
            md.append("fsync (jdk.FileForce): none.\n\n");
            return;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(Comparator.naturalOrder());
        long total = 0;
        for (long n : sorted) {
            total += n;
        }
        md.append(String.format(
                Locale.ROOT,
                "fsync (jdk.FileForce): %d calls (%.0f/s), mean %.2f ms, p50 %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms; %.0f%% of the time in fsync.%n%n",
                sorted.size(),
                sorted.size() / seconds,
                total / 1e6 / sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6,
                sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6,
                100 * total / 1e9 / seconds));
    }

    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames();
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String applicationFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String m = method(f);
            if (INFRASTRUCTURE.stream().noneMatch(m::startsWith)) {
                return m;
            }
        }
        return frames.isEmpty() ? "(no stack)" : method(frames.get(0));
    }

    /** Thread name with numbers folded, so pools aggregate: "millrace-io-3" becomes "millrace-io-N". */
    private static String threadName(RecordedThread t) {
        if (t == null) {
            return "(unknown)";
        }
        String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return name == null ? "(unnamed)" : name.replaceAll("\\d+", "N");
    }

    /** Sums and counts per key. */
    private static final class Tally {
        private final Map<String, long[]> values = new LinkedHashMap<>();
        private long total;

        void add(String key, long amount) {
            long[] v = values.computeIfAbsent(key, k -> new long[2]);
            v[0] += amount;
            v[1]++;
            total += amount;
        }

        long total() {
            return total;
        }

        long count(String key) {
            long[] v = values.get(key);
            return v == null ? 0 : v[1];
        }

        List<Map.Entry<String, Long>> top(int n) {
            return values.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue()[0]))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(n)
                    .toList();
        }
    }
}
