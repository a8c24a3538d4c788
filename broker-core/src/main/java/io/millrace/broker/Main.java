package io.millrace.broker;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.config.ConfigLoader;
import io.millrace.broker.extension.BrokerExtensions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Command line: {@code start [--config FILE] [--override key=value]...}. Exit codes: 0 after a
 * clean shutdown (SIGTERM/SIGINT), 1 when the broker fails, 2 for bad usage or configuration.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    static final String USAGE = String.join(
            System.lineSeparator(),
            "Usage: millrace start [--config FILE] [--override key=value]...",
            "",
            "  start      run the broker in the foreground until SIGTERM or Ctrl-C",
            "",
            "  --config FILE          broker properties file (Kafka key names)",
            "  --override key=value   set one key; repeatable; wins over the file and MILLRACE_* variables",
            "",
            "Environment: MILLRACE_<KEY> sets <key> with '_' read as '.', e.g. MILLRACE_LOG_DIRS=/var/lib/millrace");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("start")) {
            System.err.println("Unknown command '" + args[0] + "'." + System.lineSeparator() + USAGE);
            return 2;
        }
        Path configFile = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--config") || arg.equals("--override")) && i + 1 >= args.length) {
                System.err.println(arg + " needs a value." + System.lineSeparator() + USAGE);
                return 2;
            }
            switch (arg) {
                case "--config" -> configFile = Path.of(args[++i]);
                case "--override" -> overrides.add(args[++i]);
                default -> {
                    if (arg.startsWith("--override=")) {
                        overrides.add(arg.substring("--override=".length()));
                    } else if (arg.startsWith("--config=")) {
                        configFile = Path.of(arg.substring("--config=".length()));
                    } else {
                        System.err.println("Unknown option '" + arg + "'." + System.lineSeparator() + USAGE);
                        return 2;
                    }
                }
            }
        }
        BrokerExtensions extensions = BrokerExtensions.discover();
        ConfigLoader.Result loaded;
        try {
            loaded = ConfigLoader.load(configFile, System.getenv(), overrides, extensions.configKeys());
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        }
        loaded.warnings().forEach(log::warn);
        Broker broker;
        try {
            broker = Broker.start(loaded.config(), Clock.system(), extensions, loaded.extensionSettings());
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            log.error("Millrace broker failed to start: {}", e.getMessage(), e);
            return 1;
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        // SIGTERM and SIGINT stop the broker from the main thread so the process exits 0.
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                log.info("Received SIG{}; stopping", signal.getName());
                stopRequested.countDown();
            });
        }
        AtomicBoolean closed = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (closed.compareAndSet(false, true)) {
                                broker.close();
                            }
                        },
                        "millrace-shutdown"));
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closed.compareAndSet(false, true)) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                log.error("Error during shutdown: {}", e.toString(), e);
                return 1;
            }
        }
        return 0;
    }
}
