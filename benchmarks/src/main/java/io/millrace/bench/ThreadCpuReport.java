package io.millrace.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each broker's CPU went, per workload: user and system time of every thread group, from
 * {@code /proc/<pid>/task/<tid>/stat} (Linux truncates thread names to 15 characters). Unlike a
 * Java profiler this counts kernel time (socket, file and fsync system calls) too. Stateless.
 */
final class ThreadCpuReport {

    private static final int TOP = 8;

    private ThreadCpuReport() {}

    static String render(BenchResult r) {
        StringBuilder md = new StringBuilder("## Broker CPU by thread (user + system, from /proc)\n\n");
        for (Workload w : Workload.values()) {
            for (BenchResult.ThreadCpu t : r.threadCpu()) {
                if (t.workload() != w) {
                    continue;
                }
                long user = 0;
                long system = 0;
                for (long[] v : t.cpu().values()) {
                    user += v[0];
                    system += v[1];
                }
                double wall = t.wallNanos() / 1e9;
                md.append(String.format(
                        Locale.ROOT,
                        "**%s, %s, round %d**: %.2f cores (user %.2f, system %.2f)" + " over %.1f s%n%n",
                        w.title(),
                        t.setup().label(),
                        t.round(),
                        (user + system) / 1e9 / wall,
                        user / 1e9 / wall,
                        system / 1e9 / wall,
                        wall));
                md.append("| thread | user cores | system cores |\n|---|---:|---:|\n");
                List<Map.Entry<String, long[]>> rows = new ArrayList<>(t.cpu().entrySet());
                rows.sort((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
                for (Map.Entry<String, long[]> e : rows.subList(0, Math.min(TOP, rows.size()))) {
                    md.append(String.format(
                            Locale.ROOT,
                            "| `%s` | %.3f | %.3f |%n",
                            e.getKey(),
                            e.getValue()[0] / 1e9 / wall,
                            e.getValue()[1] / 1e9 / wall));
                }
                md.append('\n');
            }
        }
        return md.toString();
    }
}
