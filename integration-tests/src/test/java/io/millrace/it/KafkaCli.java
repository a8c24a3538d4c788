package io.millrace.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of Apache Kafka's own command-line tools (the release the apache-kafka module pins) in
 * a JVM of its own, with that release's classpath, so its kafka-clients never meet ours.
 * Equivalent to {@code bin/kafka-run-class.sh <mainClass> <args>} of a Kafka distribution.
 */
final class KafkaCli {

    static final String TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand";
    static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    static final String GET_OFFSET_SHELL = "org.apache.kafka.tools.GetOffsetShell";
    static final String CONSUMER_GROUP_COMMAND = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    static final String TRANSACTIONS_COMMAND = "org.apache.kafka.tools.TransactionsCommand";

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private KafkaCli() {}

    static ProcessResult run(String mainClass, String... args) {
        return run(DEFAULT_TIMEOUT, null, mainClass, args);
    }

    /** Runs a tool with {@code --bootstrap-server bootstrap} before {@code args}. */
    static ProcessResult runAgainst(String bootstrap, String mainClass, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return run(mainClass, all);
    }

    /** @param stdin written to the tool's standard input, then closed; null for none */
    static ProcessResult run(Duration timeout, String stdin, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ItEnvironment.javaExecutable());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Djava.awt.headless=true");
        command.add(
                "-Dlog4j2.configurationFile=" + ItEnvironment.kafkaLog4jConfig().toUri());
        command.add("-cp");
        command.add(classpath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return ExternalCommand.run(command, null, Map.of(), stdin, timeout);
    }

    private static String classpath() {
        Path file = ItEnvironment.kafkaClasspathFile();
        try {
            String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (classpath.isEmpty()) {
                throw new AssertionError(file + " is empty; rebuild with: mvn -B -pl apache-kafka generate-resources");
            }
            return classpath;
        } catch (IOException e) {
            throw new AssertionError(
                    "No Apache Kafka classpath at " + file
                            + "; build it with: mvn -B -pl apache-kafka generate-resources",
                    e);
        }
    }
}
