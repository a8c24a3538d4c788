package io.millrace.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The self-contained {@code -sql} jar on a plain Flink classpath: a JVM with Flink's jars and that
 * jar, and nothing else the connector uses (no kafka-clients, Avro, Jackson, registry client or
 * compression codecs; flink-json is there, as in every Flink distribution's lib/), runs a SQL job
 * reading json from one table and writing registry JSON keys and registry Avro values to another
 * ({@link SqlJarMain}). The jar comes from this module's {@code package} phase.
 */
class SqlJarIT {

    /** Artifacts the connector brings, by their path in the Maven repository: never on the Flink side. */
    private static final List<String> CONNECTOR_LIBRARIES = List.of(
            "/org/apache/kafka/",
            "/org/apache/avro/",
            "/com/fasterxml/jackson/",
            "/com/github/luben/",
            "/at/yawk/lz4/",
            "/org/lz4/",
            "/org/xerial/snappy/",
            "/org/apache/flink/flink-avro/",
            "/io/millrace/");

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void theSqlJarRunsASqlJobOnAPlainFlinkClasspath() throws Exception {
        Path sqlJar = Path.of(System.getProperty("millrace.flink.sql.jar"));
        assertThat(sqlJar).as("the -sql jar built by the package phase").exists();
        Clients.createTopic(broker.bootstrap(), "sql-jar-orders", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "sql-jar-doubled", 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 5; i++) {
                String json = "{\"name\":\"o" + i + "\",\"amount\":" + i + "}";
                producer.send(new ProducerRecord<>("sql-jar-orders", json.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }

        Queue<String> lines = new ConcurrentLinkedQueue<>();
        int exitCode;
        try (TestJvm job = TestJvm.start(
                "sql-jar-job",
                List.of("-Xmx768m"),
                flinkClasspath() + File.pathSeparator + sqlJar,
                SqlJarMain.class.getName(),
                List.of(broker.bootstrap(), broker.registryUrl(), "sql-jar-orders", "sql-jar-doubled"),
                lines::add)) {
            exitCode = job.awaitExit(Duration.ofMinutes(3));
            assertThat(exitCode)
                    .as("exit code of the SQL job's JVM\n" + job.stderrTail())
                    .isZero();
        }

        assertThat(lines)
                .as("what the SQL job printed")
                .contains(
                        "ABSENT org.apache.kafka.clients.consumer.KafkaConsumer",
                        "ABSENT org.apache.avro.Schema",
                        "ABSENT com.fasterxml.jackson.databind.ObjectMapper")
                .containsSubsequence("ROW o0=0", "DONE");
        assertThat(lines.stream().filter(line -> line.startsWith("ROW ")))
                .containsExactlyInAnyOrder("ROW o0=0", "ROW o1=2", "ROW o2=4", "ROW o3=6", "ROW o4=8");
    }

    /**
     * Flink's jars from the tests' classpath (and this module's test classes, for the main class),
     * without anything the connector brings.
     */
    private static String flinkClasspath() {
        Path testClasses = Path.of(System.getProperty("millrace.flink.test.classes"));
        String flinkJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> entry.replace(File.separatorChar, '/'))
                // Maven's repository, not this build's modules (their jars and classes are in target/)
                .filter(entry -> entry.endsWith(".jar") && !entry.contains("/target/"))
                .filter(entry -> CONNECTOR_LIBRARIES.stream().noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        return testClasses + File.pathSeparator + flinkJars;
    }
}
