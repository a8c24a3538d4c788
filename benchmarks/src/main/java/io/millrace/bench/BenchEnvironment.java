package io.millrace.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the harness finds what the build produced: the Millrace broker jar and its libraries
 * ({@code broker-core/target}), Apache Kafka's classpath ({@code apache-kafka/target/classpath.txt})
 * and its quiet log4j2 configuration. Each location may be given as a system property (the
 * launcher and failsafe do); the defaults resolve them from the repository root.
 *
 * <p>Immutable.
 */
record BenchEnvironment(Path brokerTarget, Path kafkaClasspathFile, Path kafkaLog4jConfig, String javaExecutable) {

    static BenchEnvironment fromSystemProperties() {
        Path root = path("millrace.repo.root", guessRepoRoot());
        return new BenchEnvironment(
                path("millrace.broker.target", root.resolve("broker-core/target")),
                path("millrace.kafka.classpath.file", root.resolve("apache-kafka/target/classpath.txt")),
                path("millrace.kafka.log4j.config", root.resolve("apache-kafka/config/tools-log4j2.properties")),
                Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** {@code broker-core-<version>.jar} plus {@code lib/*}, as the {@code millrace} launcher runs it. */
    String millraceClasspath() {
        try (Stream<Path> files = Files.list(brokerTarget)) {
            Path jar = files.filter(p -> {
                        String f = p.getFileName().toString();
                        return f.startsWith("broker-core-")
                                && f.endsWith(".jar")
                                && !f.endsWith("-sources.jar")
                                && !f.endsWith("-tests.jar")
                                && !f.endsWith("-javadoc.jar");
                    })
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("No broker jar in " + brokerTarget
                            + "; build it with: mvn -B -pl broker-core -am package -DskipTests"));
            return jar + File.pathSeparator + brokerTarget.resolve("lib") + "/*";
        } catch (IOException e) {
            throw new IllegalStateException(
                    "No broker build in " + brokerTarget
                            + "; build it with: mvn -B -pl broker-core -am package -DskipTests",
                    e);
        }
    }

    /** Apache Kafka's runtime classpath, written by the apache-kafka module. */
    String kafkaClasspath() {
        try {
            String classpath =
                    Files.readString(kafkaClasspathFile, StandardCharsets.UTF_8).trim();
            if (classpath.isEmpty()) {
                throw new IllegalStateException(kafkaClasspathFile + " is empty; rebuild it with: mvn -B -pl"
                        + " apache-kafka generate-resources");
            }
            return classpath;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "No Apache Kafka classpath at " + kafkaClasspathFile
                            + "; build it with: mvn -B -pl apache-kafka generate-resources",
                    e);
        }
    }

    private static Path guessRepoRoot() {
        Path cwd = Paths.get("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("millrace")) && Files.isDirectory(p.resolve("broker-core"))) {
                return p;
            }
        }
        return cwd;
    }

    private static Path path(String property, Path fallback) {
        String value = System.getProperty(property);
        return (value == null || value.isBlank() ? fallback : Paths.get(value))
                .toAbsolutePath()
                .normalize();
    }
}
