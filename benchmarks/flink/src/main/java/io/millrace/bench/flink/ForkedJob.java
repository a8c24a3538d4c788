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
    private static final String CAUSED_BY = "Caused by: ";

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
     * Why a failed job failed, from its output: the root cause (the last {@code Caused by}) of the
     * first stack trace whose root is not one of Flink's own exceptions (so the connector's or the
     * client's error, not Flink's reaction to it), else the root of the last stack trace.
     */
    static String cause(List<String> lines) {
        List<String> roots = new ArrayList<>();
        String root = null;
        for (String line : lines) {
            if (line.startsWith(CAUSED_BY)) {
                root = line.substring(CAUSED_BY.length());
            } else if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && root != null) {
                roots.add(root); // a new log line or stack trace: the previous trace ended
                root = null;
            }
        }
        if (root != null) {
            roots.add(root);
        }
        return roots.stream()
                .filter(cause -> !cause.startsWith("org.apache.flink."))
                .findFirst()
                .or(() -> roots.stream().reduce((first, second) -> second))
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
