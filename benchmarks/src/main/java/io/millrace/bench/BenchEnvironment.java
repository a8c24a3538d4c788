package io.millrace.bench;

import io.millrace.testing.TestEnvironment;
import java.nio.file.Path;

/**
 * What the harness runs: the Millrace broker's classpath ({@code broker-core/target}), Apache
 * Kafka's classpath ({@code apache-kafka/target/classpath.txt}), Kafka's quiet log4j2
 * configuration and the java executable. The locations are resolved once, at start, by the test
 * fixture's {@link TestEnvironment} (system properties, else relative to the repository root), so
 * a missing build fails the run before any broker starts, with the Maven command that builds it.
 *
 * <p>Immutable.
 */
record BenchEnvironment(String millraceClasspath, String kafkaClasspath, Path kafkaLog4jConfig, String javaExecutable) {

    static BenchEnvironment fromSystemProperties() {
        return new BenchEnvironment(
                TestEnvironment.brokerClasspath(),
                TestEnvironment.kafkaToolsClasspath(),
                TestEnvironment.kafkaLog4jConfig(),
                TestEnvironment.javaExecutable());
    }
}
