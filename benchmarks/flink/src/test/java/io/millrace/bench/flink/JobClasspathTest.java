package io.millrace.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JobClasspathTest {

    private static final String CLASSPATH = String.join(
            File.pathSeparator,
            "/b/target/classes",
            "/m2/org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar",
            "/m2/org/apache/flink/flink-connector-kafka/5.0.0-2.2/flink-connector-kafka-5.0.0-2.2.jar");

    @Test
    void theStockClasspathHasTheOtherKafkaClientsInPlaceOfTheProjects() {
        JobClasspath classpath = new JobClasspath(
                CLASSPATH, JobClasspath.replaceKafkaClients(CLASSPATH, Path.of("/stock-lib/kafka-clients-4.2.0.jar")));

        assertThat(classpath.of(Connector.MILLRACE)).isEqualTo(CLASSPATH);
        assertThat(classpath.kafkaClientsJars(Connector.MILLRACE)).containsExactly("kafka-clients-4.4.0.jar");
        assertThat(classpath.kafkaClientsJars(Connector.STOCK)).containsExactly("kafka-clients-4.2.0.jar");
        assertThat(classpath.of(Connector.STOCK))
                .startsWith("/b/target/classes" + File.pathSeparator + "/stock-lib/kafka-clients-4.2.0.jar")
                .endsWith("flink-connector-kafka-5.0.0-2.2.jar");
    }

    @Test
    void aClasspathWithoutKafkaClientsIsAMistake() {
        assertThatThrownBy(() -> JobClasspath.replaceKafkaClients("/a.jar", Path.of("/kafka-clients-4.2.0.jar")))
                .hasMessageContaining("No kafka-clients jar");
    }
}
