package io.millrace.schema.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone registry: {@code registry --bootstrap HOST:PORT [--listeners http://host:port]
 * [--override key=value]...}. Exit codes: 0 after SIGTERM/SIGINT, 1 when it fails, 2 for bad
 * usage or configuration.
 */
public final class RegistryMain {

    private static final Logger log = LoggerFactory.getLogger(RegistryMain.class);

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: millrace registry --bootstrap HOST:PORT [--listeners http://HOST:PORT] [--override key=value]...",
            "",
            "  --bootstrap HOST:PORT     a Millrace (or Kafka) broker; schemas live in its _schemas topic",
            "  --listeners URL[,URL]     where the REST API listens (default http://127.0.0.1:8081)",
            "  --override key=value      another schema.registry.* setting, e.g. schema.registry.topic=_schemas");

    private RegistryMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String bootstrap = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("help") || arg.equals("--help") || arg.equals("-h")) {
                System.out.println(USAGE);
                return 0;
            }
            if (i + 1 >= args.length) {
                System.err.println(
                        "Option '" + arg + "' needs a value (or is unknown)." + System.lineSeparator() + USAGE);
                return 2;
            }
            String value = args[++i];
            switch (arg) {
                case "--bootstrap" -> bootstrap = value;
                case "--listeners" -> settings.put(RegistryConfig.LISTENERS, value);
                case "--override" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0
                            || !RegistryConfig.DEFINITION
                                    .names()
                                    .contains(value.substring(0, eq).trim())) {
                        System.err.println("Override '" + value + "' is not key=value with a key among "
                                + RegistryConfig.DEFINITION.names());
                        return 2;
                    }
                    settings.put(
                            value.substring(0, eq).trim(),
                            value.substring(eq + 1).trim());
                }
                default -> {
                    System.err.println("Unknown option '" + arg + "'." + System.lineSeparator() + USAGE);
                    return 2;
                }
            }
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            System.err.println("--bootstrap HOST:PORT is required." + System.lineSeparator() + USAGE);
            return 2;
        }
        RegistryServer server;
        try {
            RegistryConfig config = new RegistryConfig(settings);
            if (config.listeners().isEmpty()) {
                System.err.println(RegistryConfig.LISTENERS + " is empty: nothing to serve");
                return 2;
            }
            server = RegistryServer.start(config, bootstrap);
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            log.error("The schema registry failed to start: {}", e.getMessage(), e);
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stop.countDown();
                        },
                        "millrace-registry-shutdown"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
