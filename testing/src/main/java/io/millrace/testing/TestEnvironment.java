package io.millrace.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the fixture finds what the build produced, from any module. Each location is a system
 * property, which the parent pom's failsafe configuration sets for every module; without it (a test
 * run from an IDE) the location is resolved from the repository root, found by walking up from
 * the working directory to the directory holding the {@code millrace} launcher and
 * {@code broker-core/}. A missing build output fails the test with the Maven command that
 * builds it.
 */
public final class TestEnvironment {

    private TestEnvironment() {}

    /** The repository root (holds the {@code millrace} launcher). */
    public static Path repoRoot() {
        String value = System.getProperty("millrace.repo.root");
        if (value != null && !value.isBlank()) {
            return Paths.get(value).toAbsolutePath().normalize();
        }
        Path cwd = Paths.get("").toAbsolutePath().normalize();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("millrace")) && Files.isDirectory(dir.resolve("broker-core"))) {
                return dir;
            }
        }
        throw new AssertionError("No Millrace repository (a directory holding the millrace launcher and broker-core/)"
                + " at or above " + cwd + "; run the tests inside the repository or set -Dmillrace.repo.root");
    }

    /** {@code broker-core/target}: the broker jar and its {@code lib/}. */
    public static Path brokerTarget() {
        return path("millrace.broker.target", "broker-core/target");
    }

    /** {@code schema/target}: the schema module's jar and its {@code lib/}. */
    public static Path schemaTarget() {
        return path("millrace.schema.target", "schema/target");
    }

    /** The file holding the classpath of Apache Kafka's tools, written by the apache-kafka module. */
    public static Path kafkaClasspathFile() {
        return path("millrace.kafka.classpath.file", "apache-kafka/target/classpath.txt");
    }

    /** The broker's runtime classpath: the broker-core jar and {@code lib/*}. */
    public static String brokerClasspath() {
        return moduleClasspath(brokerTarget(), "broker-core-", "mvn -B -pl broker-core package -DskipTests");
    }

    /** The schema module's runtime classpath (the registry extension): its jar and {@code lib/*}. */
    public static String schemaClasspath() {
        return moduleClasspath(schemaTarget(), "schema-", "mvn -B -pl schema -am package -DskipTests");
    }

    /** The classpath of Apache Kafka's tools, as the apache-kafka module wrote it. */
    public static String kafkaToolsClasspath() {
        Path file = kafkaClasspathFile();
        String build = "; build it with: mvn -B -pl apache-kafka generate-resources";
        try {
            String classpath = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (classpath.isEmpty()) {
                throw new AssertionError(file + " is empty" + build);
            }
            return classpath;
        } catch (IOException e) {
            throw new AssertionError("No Apache Kafka classpath at " + file + build, e);
        }
    }

    /** log4j2 configuration for Kafka's tools: warnings only, on stderr. */
    public static Path kafkaLog4jConfig() {
        return path("millrace.kafka.log4j.config", "apache-kafka/config/tools-log4j2.properties");
    }

    /**
     * Where broker processes write their output, one file per start: {@code target/broker-logs} of
     * the module whose tests run (the working directory's, without the property).
     */
    public static Path brokerLogs() {
        String value = System.getProperty("millrace.broker.logs");
        Path dir = value == null || value.isBlank() ? Paths.get("target", "broker-logs") : Paths.get(value);
        return dir.toAbsolutePath().normalize();
    }

    /** The JDK running the tests; brokers and tools run on the same one. */
    public static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String moduleClasspath(Path target, String jarPrefix, String build) {
        Path lib = target.resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new AssertionError("No " + lib + "; build it with: " + build);
        }
        try (Stream<Path> files = Files.list(target)) {
            Path jar = files.filter(p -> isModuleJar(p.getFileName().toString(), jarPrefix))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()))
                    .orElseThrow(() ->
                            new AssertionError("No " + jarPrefix + "*.jar in " + target + "; build it with: " + build));
            return jar + File.pathSeparator + lib + File.separator + "*";
        } catch (IOException e) {
            throw new AssertionError("Cannot list " + target + "; build it with: " + build, e);
        }
    }

    private static boolean isModuleJar(String file, String prefix) {
        return file.startsWith(prefix)
                && file.endsWith(".jar")
                && !file.endsWith("-sources.jar")
                && !file.endsWith("-tests.jar")
                && !file.endsWith("-javadoc.jar");
    }

    private static Path path(String property, String underRepoRoot) {
        String value = System.getProperty(property);
        Path path = value == null || value.isBlank() ? repoRoot().resolve(underRepoRoot) : Paths.get(value);
        return path.toAbsolutePath().normalize();
    }
}
