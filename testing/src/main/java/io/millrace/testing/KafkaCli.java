package io.millrace.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of Apache Kafka's own command-line tools (the release the apache-kafka module pins) in
 * a JVM of its own, with that release's classpath, so its kafka-clients never meet ours.
 * Equivalent to {@code bin/kafka-run-class.sh <mainClass> <args>} of a Kafka distribution.
 */
public final class KafkaCli {

    // Main classes of the tools behind bin/kafka-topics.sh, kafka-console-producer.sh and so on.
    public static final String TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand";
    public static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    public static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    public static final String GET_OFFSET_SHELL = "org.apache.kafka.tools.GetOffsetShell";
    public static final String CONSUMER_GROUP_COMMAND = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    public static final String TRANSACTIONS_COMMAND = "org.apache.kafka.tools.TransactionsCommand";
    public static final String CONFIG_COMMAND = "kafka.admin.ConfigCommand";

    /** How long a tool may run before it is killed and the test fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private KafkaCli() {}

    /** Runs {@code mainClass} with {@code args}, no input and the default timeout. */
    public static ProcessResult run(String mainClass, String... args) {
        return run(DEFAULT_TIMEOUT, null, mainClass, args);
    }

    /** Runs a tool with {@code --bootstrap-server bootstrap} before {@code args}. */
    public static ProcessResult runAgainst(String bootstrap, String mainClass, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return run(mainClass, all);
    }

    /** @param stdin written to the tool's standard input, then closed; null for none */
    public static ProcessResult run(Duration timeout, String stdin, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(TestEnvironment.javaExecutable());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j2.configurationFile="
                + TestEnvironment.kafkaLog4jConfig().toUri());
        command.add("-cp");
        command.add(TestEnvironment.kafkaToolsClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return ExternalCommand.run(command, null, Map.of(), stdin, timeout);
    }
}
