package io.millrace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    private final Jcmd jcmd;
    private final Path dir;
    private final List<Path> recordings = new ArrayList<>();

    JfrControl(BenchEnvironment env, Path dir) throws IOException {
        this.jcmd = new Jcmd(env);
        this.dir = dir;
        Files.createDirectories(dir);
    }

    void start(long pid, String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".jfr");
        List<String> args =
                new ArrayList<>(List.of("JFR.start", "name=" + name, "settings=profile", "filename=" + file));
        args.addAll(EVENT_SETTINGS);
        jcmd.run(pid, args);
        recordings.add(file);
    }

    void stop(long pid, String name) throws IOException, InterruptedException {
        jcmd.run(pid, List.of("JFR.stop", "name=" + name));
    }

    List<Path> recordings() {
        return List.copyOf(recordings);
    }
}
