package io.millrace.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code jcmd} (next to the java executable the brokers run on), run against a broker
 * JVM: diagnostic commands such as {@code JFR.start} or {@code GC.class_histogram}. Stateless.
 */
final class Jcmd {

    private static final long TIMEOUT_SECONDS = 120;

    private final String executable;

    Jcmd(BenchEnvironment env) {
        this.executable = Path.of(env.javaExecutable()).resolveSibling("jcmd").toString();
    }

    /** Runs {@code jcmd <pid> args...} and returns its output; fails if it fails or takes two minutes. */
    String run(long pid, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.add(Long.toString(pid));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /**
     * Bytes of the live objects on the JVM's heap: the "Total" line of {@code GC.class_histogram},
     * which runs a full GC first so that only reachable objects count.
     */
    long liveHeapBytes(long pid) throws IOException, InterruptedException {
        String histogram = run(pid, List.of("GC.class_histogram"));
        for (String line : histogram.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Total ")) {
                String[] fields = trimmed.split("\\s+");
                return Long.parseLong(fields[fields.length - 1]);
            }
        }
        throw new IOException("No Total line in the class histogram of " + pid + ":\n" + histogram);
    }
}
