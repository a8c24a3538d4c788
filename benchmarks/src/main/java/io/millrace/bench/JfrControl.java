package io.millrace.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops a Java Flight Recorder recording in a running broker with {@code jcmd}, one
 * recording per workload, so each workload's profile is separate. Uses the JDK's "profile"
 * settings with lower thresholds for lock, park and fsync events so short waits are counted too.
 *
 * <p>Not thread-safe.
 */
final class JfrControl {

    private static final List<String> EVENT_SETTINGS = List.of(
            "jdk.FileForce#threshold=0ns",
            "jdk.JavaMonitorEnter#threshold=100us",
            "jdk.ThreadPark#threshold=100us",
            "jdk.SocketRead#threshold=1ms",
            "jdk.SocketWrite#threshold=1ms");

    private final String jcmd;
    private final Path dir;
    private final List<Path> recordings = new ArrayList<>();

    JfrControl(BenchEnvironment env, Path dir) throws IOException {
        this.jcmd = Paths.get(Paths.get(env.javaExecutable()).getParent().toString(), "jcmd")
                .toString();
        this.dir = dir;
        Files.createDirectories(dir);
    }

    void start(long pid, String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".jfr");
        List<String> command = new ArrayList<>(
                List.of(jcmd, Long.toString(pid), "JFR.start", "name=" + name, "settings=profile", "filename=" + file));
        command.addAll(EVENT_SETTINGS);
        run(command);
        recordings.add(file);
    }

    void stop(long pid, String name) throws IOException, InterruptedException {
        run(List.of(jcmd, Long.toString(pid), "JFR.stop", "name=" + name));
    }

    List<Path> recordings() {
        return List.copyOf(recordings);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}
