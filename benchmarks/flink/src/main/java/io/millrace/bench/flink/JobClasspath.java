package io.millrace.bench.flink;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The classpath of each connector's job JVMs. Millrace's jobs run on this module's own runtime
 * classpath (kafka-clients 4.4.0, the project's). The stock connector's jobs run on the same
 * classpath with kafka-clients replaced by the version flink-connector-kafka 5.0.0-2.2 was built
 * against ({@code target/stock-lib}, copied there by the build): its exactly-once sink calls producer
 * internals that 4.4.0 no longer has. Immutable.
 */
record JobClasspath(String millrace, String stock) {

    private static final String KAFKA_CLIENTS_JAR = "kafka-clients-";

    /** From this JVM's classpath and the stock connector's kafka-clients jar in {@code stockLib}. */
    static JobClasspath of(String classpath, Path stockLib) throws IOException {
        Path stockClients;
        try (Stream<Path> files = Files.list(stockLib)) {
            stockClients = files.filter(JobClasspath::isKafkaClients)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No kafka-clients jar in " + stockLib
                            + "; build it with mvn -B -pl benchmarks/flink -am package -DskipTests"));
        }
        return new JobClasspath(classpath, replaceKafkaClients(classpath, stockClients));
    }

    /** {@code classpath} with its kafka-clients jar replaced by {@code kafkaClients}. */
    static String replaceKafkaClients(String classpath, Path kafkaClients) {
        List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
        if (entries.stream().noneMatch(entry -> isKafkaClients(Path.of(entry)))) {
            throw new IllegalArgumentException("No kafka-clients jar on the classpath " + classpath);
        }
        return entries.stream()
                .map(entry -> isKafkaClients(Path.of(entry)) ? kafkaClients.toString() : entry)
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The classpath of {@code connector}'s jobs. */
    String of(Connector connector) {
        return connector == Connector.MILLRACE ? millrace : stock;
    }

    /** The file names of the kafka-clients jars on {@code connector}'s classpath, for the report. */
    List<String> kafkaClientsJars(Connector connector) {
        return Arrays.stream(of(connector).split(File.pathSeparator))
                .map(Path::of)
                .filter(JobClasspath::isKafkaClients)
                .map(path -> path.getFileName().toString())
                .toList();
    }

    private static boolean isKafkaClients(Path entry) {
        Path file = entry.getFileName();
        return file != null
                && file.toString().startsWith(KAFKA_CLIENTS_JAR)
                && file.toString().endsWith(".jar");
    }
}
