package io.millrace.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For test classes that run {@link BrokerProcess} themselves (a {@link MillraceBroker} does this on
 * its own): when a test fails, prints the tails of the class's most recent broker logs (those named
 * after the test class's simple name) and attaches them to the test report.
 */
public final class BrokerLogOnFailure implements TestWatcher {

    private static final int FILES = 3;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String prefix = context.getRequiredTestClass().getSimpleName() + "-";
        try (Stream<Path> files = Files.list(TestEnvironment.brokerLogs())) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparingLong((Path p) -> p.toFile().lastModified()))
                    .toList();
            BrokerLogs.collect(context, logs.subList(Math.max(0, logs.size() - FILES), logs.size()));
        } catch (IOException e) {
            System.err.println("(no broker logs: " + e + ")");
        }
    }
}
