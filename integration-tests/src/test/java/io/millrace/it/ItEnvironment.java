package io.millrace.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the integration tests find what the build produced. Failsafe passes each location as a
 * system property (see this module's pom); the defaults resolve the same paths from the module
 * directory so a test also runs from an IDE.
 */
final class ItEnvironment {

    private ItEnvironment() {}

    /** The repository root (holds the {@code millrace} launcher). */
    static Path repoRoot() {
        return path("millrace.repo.root", moduleDir().resolve(".."));
    }

    /** {@code broker-core/target}: the broker jar and its {@code lib/}. */
    static Path brokerTarget() {
        return path("millrace.broker.target", repoRoot().resolve("broker-core/target"));
    }

    /** {@code schema/target}: the schema module's jar and its {@code lib/}. */
    static Path schemaTarget() {
        return path("millrace.schema.target", repoRoot().resolve("schema/target"));
    }

    /** The file holding the classpath of Apache Kafka's tools, written by the apache-kafka module. */
    static Path kafkaClasspathFile() {
        return path("millrace.kafka.classpath.file", repoRoot().resolve("apache-kafka/target/classpath.txt"));
    }

    /** log4j2 configuration for Kafka's tools: warnings only, on stderr. */
    static Path kafkaLog4jConfig() {
        return path("millrace.kafka.log4j.config", repoRoot().resolve("apache-kafka/config/tools-log4j2.properties"));
    }

    /** Where broker processes write their output, one file per start. */
    static Path brokerLogs() {
        return path("millrace.it.logs", moduleDir().resolve("target/broker-logs"));
    }

    /** The JDK running the tests; broker and tools run on the same one. */
    static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path moduleDir() {
        Path cwd = Paths.get("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("src/test/java/io/millrace/it")) ? cwd : cwd.resolve("integration-tests");
    }

    private static Path path(String property, Path fallback) {
        String value = System.getProperty(property);
        return (value == null || value.isBlank() ? fallback : Paths.get(value))
                .toAbsolutePath()
                .normalize();
    }
}
