package io.millrace.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the tail of the test class's most recent broker logs when one of its tests fails, so
 * the report shows what the broker said without digging through {@code target/broker-logs}.
 */
final class BrokerLogOnFailure implements TestWatcher {

    private static final int FILES = 3;
    private static final int LINES = 80;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String prefix = context.getRequiredTestClass().getSimpleName() + "-";
        try (Stream<Path> files = Files.list(ItEnvironment.brokerLogs())) {
            List<Path> recent = files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparingLong((Path p) -> p.toFile().lastModified())
                            .reversed())
                    .limit(FILES)
                    .collect(Collectors.toList());
            for (Path file : recent) {
                System.err.println(BrokerProcess.tail(file, LINES));
            }
        } catch (IOException e) {
            System.err.println("(no broker logs: " + e + ")");
        }
    }
}
