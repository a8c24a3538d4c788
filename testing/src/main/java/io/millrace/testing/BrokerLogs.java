package io.millrace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.MediaType;

/**
 * What a failed test shows of the brokers it ran: the tail of their most recent log files on
 * stderr (which the test report keeps), and each log file attached to the report through
 * {@link ExtensionContext#publishFile}, which copies it into the test's report output directory
 * (under the module's {@code target/}).
 */
final class BrokerLogs {

    private static final int FILES_SHOWN = 3;
    private static final int LINES_SHOWN = 80;

    private BrokerLogs() {}

    /** Prints the tails of the last few {@code files} (oldest first) and attaches every one to the report. */
    static void collect(ExtensionContext context, List<Path> files) {
        for (Path file : files.subList(Math.max(0, files.size() - FILES_SHOWN), files.size())) {
            System.err.println(tail(file, LINES_SHOWN));
        }
        for (Path file : files) {
            try {
                context.publishFile(
                        file.getFileName().toString(),
                        MediaType.TEXT_PLAIN_UTF_8,
                        target -> Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING));
            } catch (RuntimeException e) {
                // the test's own failure matters more than a report without the attachment
                System.err.println("(cannot attach " + file + " to the test report: " + e + ")");
            }
        }
    }

    /** The last {@code lines} lines of {@code file} under a heading naming it. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "--- last " + Math.min(lines, all.size()) + " lines of " + file + " ---\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
