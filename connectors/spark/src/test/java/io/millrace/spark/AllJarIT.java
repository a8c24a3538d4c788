package io.millrace.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.spark.avro.RegistryRecords;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-contained {@code -all} jar with Spark alone: {@code spark-submit --master local[2]
 * --jars <all.jar>} in a JVM whose classpath is Spark's jars and nothing the connector brings (no
 * kafka-clients, no Millrace module, no spark-sql-kafka) runs {@link AllJarMain}, which reads a
 * topic as bytes and as registry Avro, through the source's option and the column function. The jar comes from this module's {@code package} phase.
 */
class AllJarIT {

    /** What the connector brings, and Spark's own Kafka source, by their path in the Maven repository. */
    private static final List<String> NOT_SPARK = List.of(
            "/org/apache/kafka/",
            "/io/millrace/",
            "/org/apache/spark/spark-sql-kafka-0-10",
            "/org/apache/spark/spark-token-provider-kafka-0-10",
            "/org/apache/commons/commons-pool2/",
            "/at/yawk/lz4/",
            "/org/junit/",
            "/org/assertj/");

    private static final Schema CUSTOMER = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Customer\",\"fields\":["
                    + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}");

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void everyClassOfTheAllJarIsUnderIoMillrace() throws IOException {
        List<String> outside = new ArrayList<>();
        try (JarFile jar = new JarFile(allJar().toFile())) {
            Collections.list(jar.entries()).stream()
                    .map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class") && !name.startsWith("io/millrace/"))
                    .forEach(outside::add);
            assertThat(jar.getEntry("io/millrace/spark/shaded/org/apache/kafka/clients/consumer/KafkaConsumer.class"))
                    .isNotNull();
            assertThat(jar.getEntry("io/millrace/schema/client/SchemaRegistryClient.class"))
                    .as("io.millrace artifacts are included")
                    .isNotNull();
        }
        assertThat(outside).as("classes left at their own names").isEmpty();
    }

    @Test
    void sparkSubmitWithTheAllJarReadsAvroAndWritesExactlyOnce(@TempDir Path dir) throws Exception {
        String topic = "all-jar-customers";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        for (long id = 1; id <= 3; id++) {
            GenericRecord customer = new GenericData.Record(CUSTOMER);
            customer.put("id", id);
            customer.put("name", "c" + id);
            RegistryRecords.write(broker.bootstrap(), broker.registryUrl(), topic, null, customer);
        }
        Clients.createTopic(broker.bootstrap(), topic + "-copy", 2, Map.of());
        Path appJar = appJar(dir.resolve("app.jar"));

        List<String> jvmOptions = new ArrayList<>(Arrays.asList(
                System.getProperty("millrace.spark.jvm.options").trim().split("\\s+")));
        jvmOptions.add("-Xmx768m");
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        try (TestJvm submit = TestJvm.start(
                "spark-submit",
                jvmOptions,
                sparkClasspath(),
                "org.apache.spark.deploy.SparkSubmit",
                List.of(
                        "--master",
                        "local[2]",
                        "--conf",
                        "spark.ui.enabled=false",
                        "--conf",
                        "spark.driver.host=127.0.0.1",
                        "--jars",
                        allJar().toString(),
                        "--class",
                        AllJarMain.class.getName(),
                        appJar.toString(),
                        broker.bootstrap(),
                        broker.registryUrl(),
                        topic,
                        dir.resolve("copy-checkpoint").toString()),
                lines::add)) {
            assertThat(submit.awaitExit(Duration.ofMinutes(3)))
                    .as("exit code of spark-submit\n" + submit.stderrTail())
                    .isZero();
        }

        assertThat(lines)
                .as("what the application printed")
                .contains(
                        "ABSENT org.apache.kafka.clients.consumer.KafkaConsumer",
                        "PRESENT io.millrace.spark.shaded.org.apache.kafka.clients.consumer.KafkaConsumer",
                        "PRESENT io.millrace.spark.shaded.org.apache.avro.Schema",
                        "PRESENT io.millrace.spark.shaded.com.fasterxml.jackson.databind.ObjectMapper",
                        "COUNT 3")
                .containsSubsequence("COUNT 3", "COPIED 3", "DONE");
        assertThat(lines.stream().filter(line -> line.startsWith("ROW ")))
                .containsExactlyInAnyOrder("ROW 1=c1", "ROW 2=c2", "ROW 3=c3");
        assertThat(lines.stream().filter(line -> line.startsWith("FUNCTION ")))
                .containsExactlyInAnyOrder("FUNCTION 1=c1", "FUNCTION 2=c2", "FUNCTION 3=c3");
    }

    private static Path allJar() {
        Path jar = Path.of(System.getProperty("millrace.spark.all.jar"));
        assertThat(jar).as("the -all jar built by the package phase").exists();
        return jar;
    }

    /** A jar of {@link AllJarMain} alone, the application spark-submit runs. */
    private static Path appJar(Path path) throws IOException {
        String entry = AllJarMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(path);
                JarOutputStream jar = new JarOutputStream(out);
                InputStream main = AllJarMain.class.getClassLoader().getResourceAsStream(entry)) {
            jar.putNextEntry(new JarEntry(entry));
            main.transferTo(jar);
            jar.closeEntry();
        }
        return path;
    }

    /** Spark's jars from the tests' classpath: Maven's repository without what is {@link #NOT_SPARK}. */
    private static String sparkClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> entry.replace(File.separatorChar, '/'))
                // this build's modules are in target/; their installed copies under /io/millrace/
                .filter(entry -> entry.endsWith(".jar") && !entry.contains("/target/"))
                .filter(entry -> NOT_SPARK.stream().noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
