package io.millrace.bench.flink;

import io.millrace.testing.TestEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link BenchJob} in a JVM of its own (a fresh MiniCluster, JIT and heap for every job, so
 * no job warms or litters the heap for the next) and parses its result line. The JVM's output goes
 * to {@code <name>.log} in the work directory, its JFR recording (if asked for) to
 * {@code <name>.jfr}. Stateless.
 */
final class ForkedJob {

    private static final long TIMEOUT_MINUTES = 20;

    private ForkedJob() {}

    /** A job that exited with an error; the message names the job's first cause and its log. */
    static final class JobFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        JobFailedException(String message) {
            super(message);
        }
    }

    /** What {@link BenchJob} printed: records, runtime and its JVM's CPU time. */
    record Result(long records, long millis, long cpuMillis) {}

    /**
     * Runs the job with {@code classpath} and waits for it.
     *
     * @param name names the log and recording
     * @param jobArgs {@link BenchJob}'s arguments
     */
    static Result run(FlinkBenchSettings settings, String classpath, String name, List<String> jobArgs)
            throws IOException, InterruptedException, JobFailedException {
        Files.createDirectories(settings.workDir());
        Path log = settings.workDir().resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(TestEnvironment.javaExecutable());
        command.addAll(settings.jobJvmFlags());
        if (settings.jfr()) {
            command.add("-XX:StartFlightRecording=settings=profile,filename="
                    + settings.workDir().resolve(name + ".jfr"));
        }
        command.add("-cp");
        command.add(classpath);
        command.add(BenchJob.class.getName());
        command.addAll(jobArgs);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            process.waitFor();
            throw new IllegalStateException(
                    "The job " + name + " did not end within " + TIMEOUT_MINUTES + " minutes; its output: " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new JobFailedException("exit code " + process.exitValue() + ", " + cause(lines) + " ("
                    + log.getFileName() + " in the work directory)");
        }
        return lines.stream()
                .filter(line -> line.startsWith(BenchJob.RESULT_PREFIX))
                .reduce((first, second) -> second)
                .map(ForkedJob::parse)
                .orElseThrow(() -> new IllegalStateException("The job " + name + " printed no result line: " + log));
    }

    /**
     * The first cause in a failed job's output that is not Flink's own wrapping of it (the
     * connector's or the client's error), else the last cause printed.
     */
    static String cause(List<String> lines) {
        List<String> causes = lines.stream()
                .filter(line -> line.startsWith("Caused by: "))
                .map(line -> line.substring("Caused by: ".length()))
                .toList();
        return causes.stream()
                .filter(cause -> !cause.startsWith("org.apache.flink."))
                .findFirst()
                .or(() -> causes.stream().reduce((first, second) -> second))
                .orElse("no cause printed");
    }

    /** Parses {@code RESULT records=1 millis=2 cpuMillis=3}. */
    static Result parse(String line) {
        Map<String, Long> values = new HashMap<>();
        for (String field :
                line.substring(BenchJob.RESULT_PREFIX.length()).trim().split(" ")) {
            int equals = field.indexOf('=');
            values.put(field.substring(0, equals), Long.parseLong(field.substring(equals + 1)));
        }
        return new Result(values.get("records"), values.get("millis"), values.get("cpuMillis"));
    }
}
