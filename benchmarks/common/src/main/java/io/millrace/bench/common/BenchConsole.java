package io.millrace.bench.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * A connector benchmark's outside world: its progress lines on the console, the machine's load
 * and the report files. Stateless.
 */
public final class BenchConsole {

    private BenchConsole() {}

    /** Prints a progress line, stamped with the current time. */
    public static void log(String format, Object... args) {
        System.out.println(Instant.now() + " " + String.format(Locale.ROOT, format, args));
    }

    /** The first three fields of /proc/loadavg (1, 5 and 15 minutes), or "unknown" where there is none. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .split(" ", 4);
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Sends the broker fixture's logs into {@code workDir/broker-logs} unless
     * {@code millrace.broker.logs} already says where.
     */
    public static void brokerLogsIn(Path workDir) {
        if (System.getProperty("millrace.broker.logs") == null) {
            System.setProperty(
                    "millrace.broker.logs", workDir.resolve("broker-logs").toString());
        }
    }

    /** Writes {@code name.md} and {@code name.json} into {@code out} and prints the markdown. */
    public static void writeReport(Path out, String name, String markdown, String json) throws IOException {
        Files.createDirectories(out);
        Path markdownFile = out.resolve(name + ".md");
        Files.writeString(markdownFile, markdown, StandardCharsets.UTF_8);
        Files.writeString(out.resolve(name + ".json"), json, StandardCharsets.UTF_8);
        System.out.println(markdown);
        System.out.println("Written: " + markdownFile + " and .json");
    }
}
