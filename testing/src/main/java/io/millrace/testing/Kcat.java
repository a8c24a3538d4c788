package io.millrace.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs kcat (librdkafka's command-line client) from {@code /usr/bin/kcat}, with a one-minute timeout. A missing kcat fails the test: the librdkafka
 * client is one of the reference clients, and a check that silently skips is no check.
 */
public final class Kcat {

    private static final Path EXECUTABLE = Paths.get("/usr/bin/kcat");
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private Kcat() {}

    /** Runs kcat with {@code args} and no input. */
    public static ProcessResult run(String... args) {
        return runWithInput(null, args);
    }

    /** @param stdin written to kcat's standard input, then closed; null for none */
    public static ProcessResult runWithInput(String stdin, String... args) {
        if (!Files.isExecutable(EXECUTABLE)) {
            fail("kcat is not installed at " + EXECUTABLE + "; install it with: apt-get install -y kcat");
        }
        List<String> command = new ArrayList<>();
        command.add(EXECUTABLE.toString());
        command.addAll(List.of(args));
        return ExternalCommand.run(command, null, Map.of(), stdin, TIMEOUT);
    }
}
