package io.millrace.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where an end-to-end run of the harness in a test writes: a fresh directory of its own under
 * {@code millrace.bench.it.out} (the build's {@code target/bench-it}), with the report in
 * {@code results/} named {@code it}, and the console it prints, kept for failure messages.
 */
final class ItRun {

    private final Path root;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private ItRun(Path root) {
        this.root = root;
    }

    /** An empty directory {@code name} for a run's reports and work. */
    static ItRun fresh(String name) {
        Path root = Paths.get(System.getProperty("millrace.bench.it.out", "target/bench-it"))
                .toAbsolutePath()
                .resolve(name);
        BenchHarness.deleteRecursively(root);
        return new ItRun(root);
    }

    /** {@code options} followed by those that point the run's reports and work here. */
    String[] args(String... options) {
        List<String> args = new ArrayList<>(Arrays.asList(options));
        args.addAll(List.of(
                "--out",
                results().toString(),
                "--name",
                "it",
                "--work",
                root.resolve("work").toString()));
        return args.toArray(String[]::new);
    }

    /** Where the reports go. */
    Path results() {
        return root.resolve("results");
    }

    /** The stream the run prints its progress to. */
    PrintStream progress() {
        return new PrintStream(console, true, StandardCharsets.UTF_8);
    }

    /** Everything the run printed so far. */
    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }
}
