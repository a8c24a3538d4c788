package io.millrace.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A main class of the test sources running in a JVM of its own (with the tests' classpath), so it
 * can be killed with SIGKILL like a real application. Each line it prints on stdout is handed to a
 * listener as it arrives; stderr is kept for failure messages.
 */
public final class TestJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> stderr = new ArrayList<>();

    private TestJvm(String name, Process process, Consumer<String> onLine) {
        this.name = name;
        this.process = process;
        pump(process.getInputStream(), onLine, name + "-stdout");
        pump(
                process.getErrorStream(),
                line -> {
                    synchronized (stderr) {
                        stderr.add(line);
                    }
                },
                name + "-stderr");
    }

    /** Starts {@code mainClass} with {@code args}; {@code onLine} gets every stdout line (on a reader thread). */
    public static TestJvm start(String name, Class<?> mainClass, List<String> args, Consumer<String> onLine) {
        return start(
                name,
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                System.getProperty("java.class.path"),
                mainClass.getName(),
                args,
                onLine);
    }

    /**
     * Starts {@code mainClass} on a classpath of the test's choosing (for a program that must not
     * see what the tests' classpath holds) with {@code jvmOptions}.
     */
    public static TestJvm start(
            String name,
            List<String> jvmOptions,
            String classpath,
            String mainClass,
            List<String> args,
            Consumer<String> onLine) {
        List<String> command = new ArrayList<>();
        command.add(TestEnvironment.javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        try {
            return new TestJvm(name, new ProcessBuilder(command).start(), onLine);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    private static void pump(java.io.InputStream in, Consumer<String> sink, String threadName) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            sink.accept(line);
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                threadName);
        t.setDaemon(true);
        t.start();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process gets no chance to leave its group or flush anything. */
    public void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** Sends SIGKILL without waiting (safe from the stdout listener, so the kill lands right after a line). */
    public void kill9Now() {
        process.destroyForcibly();
    }

    /** Waits until the process exits by itself; its exit code. Fails if it runs longer than {@code timeout}. */
    public int awaitExit(Duration timeout) {
        waitFor(timeout);
        return process.exitValue();
    }

    /** Asks the process to stop (SIGTERM) and waits for it. */
    public void stop() {
        process.destroy();
        waitFor(Duration.ofSeconds(60));
    }

    private void waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The last lines the process wrote on stderr, for failure messages. */
    public String stderrTail() {
        synchronized (stderr) {
            return name + " stderr:\n"
                    + String.join("\n", stderr.subList(Math.max(0, stderr.size() - 30), stderr.size()));
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
