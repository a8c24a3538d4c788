package io.millrace.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs a real Millrace broker ({@link BrokerProcess}: a JVM of its own on a
 * free port with a fresh data directory) for a test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MillraceBroker broker = MillraceBroker.builder().override("num.partitions", "3").build();
 * }</pre>
 *
 * <p>Registered in a static field, the broker starts before all tests of the class and stops after
 * them; in an instance field, it starts before each test and stops after it. Stopping asserts a
 * clean exit (SIGTERM, exit code 0) unless the test itself stopped or killed the broker, then
 * deletes the data directory; the {@link #admin()} client and the {@link #startJvm} processes of a
 * test go after the test. When a test fails, or the broker does not stop cleanly, the tails of
 * the broker's log files are printed and the files attached to the test report.
 *
 * <p>The accessors are for use inside the tests (and {@code @BeforeAll}/{@code @BeforeEach}
 * methods) the broker serves. Not thread-safe: the test thread drives it.
 */
public final class MillraceBroker
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final BrokerProcess.Builder settings;
    private BrokerProcess broker;
    private Admin admin;
    private final List<TestJvm> jvms = new ArrayList<>();
    /** The unique id of the class or test whose start this broker belongs to. */
    private String owner;

    MillraceBroker(BrokerProcess.Builder settings) {
        this.settings = settings;
    }

    /**
     * The broker's settings ({@code override}, {@code withSchemaRegistry}, ...); finish with
     * {@link BrokerProcess.Builder#build()}. The broker is named after the test class (and test).
     */
    public static BrokerProcess.Builder builder() {
        return new BrokerProcess.Builder(null);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // a @Nested class shares the broker of its enclosing class
        if (broker == null) {
            start(context, context.getRequiredTestClass().getSimpleName());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (broker == null) {
            start(
                    context,
                    context.getRequiredTestClass().getSimpleName() + "-"
                            + context.getRequiredTestMethod().getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        end(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        end(context);
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrap() {
        return running().bootstrap();
    }

    /** The Kafka listener's port; the same across restarts. */
    public int port() {
        return running().port();
    }

    /** The data directory; the same across restarts. */
    public Path dataDir() {
        return running().dataDir();
    }

    /** The base URL of the broker's schema registry (built {@code withSchemaRegistry()}). */
    public String registryUrl() {
        return running().registryUrl();
    }

    /** Whether the broker process runs. */
    public boolean isAlive() {
        return running().isAlive();
    }

    /** The pid of the broker's JVM; a restart gives a new one. */
    public long pid() {
        return running().pid();
    }

    /** How many file descriptors the running broker has open now ({@code /proc/<pid>/fd}). */
    public int openFileCount() {
        return running().openFileCount();
    }

    /** How many threads the running broker has now. */
    public int threadCount() {
        return running().threadCount();
    }

    /** The running broker's resident set size now, in bytes. */
    public long rssBytes() {
        return running().rssBytes();
    }

    /** Kills the broker with SIGKILL; see {@link BrokerProcess#kill9()}. */
    public void kill9() {
        running().kill9();
    }

    /** Starts the broker again on the same port and data and waits until it serves. */
    public void restart() {
        running().restart();
    }

    /** Stops the broker with SIGTERM and asserts a clean exit. */
    public void stop() {
        running().stop();
    }

    /** Everything the current (or last) broker process printed so far. */
    public String log() {
        return running().log();
    }

    /** The last {@code lines} lines of the current (or last) broker process's output. */
    public String logTail(int lines) {
        return running().logTail(lines);
    }

    /**
     * An admin client of this broker for the current test, made on its first use in the test and
     * closed after the test (or after the class, when a {@code @BeforeAll} method made it).
     */
    public Admin admin() {
        if (admin == null) {
            admin = Clients.admin(bootstrap());
        }
        return admin;
    }

    /**
     * Starts {@code mainClass} in a JVM of its own as {@link TestJvm#start} does, for a client
     * application of this broker; it is killed after the current test, before the broker stops.
     */
    public TestJvm startJvm(String name, Class<?> mainClass, List<String> args, Consumer<String> onLine) {
        TestJvm jvm = TestJvm.start(name, mainClass, args, onLine);
        jvms.add(jvm);
        return jvm;
    }

    /** The broker process itself, e.g. for its log files. */
    public BrokerProcess process() {
        return running();
    }

    private void start(ExtensionContext context, String defaultName) {
        broker = settings.start(settings.nameOr(defaultName));
        owner = context.getUniqueId();
    }

    private void end(ExtensionContext context) {
        jvms.forEach(TestJvm::close);
        jvms.clear();
        if (admin != null) {
            admin.close();
            admin = null;
        }
        boolean failed = context.getExecutionException().isPresent();
        if (failed && broker != null) {
            BrokerLogs.collect(context, broker.logFiles());
        }
        if (broker == null || !context.getUniqueId().equals(owner)) {
            return;
        }
        BrokerProcess ending = broker;
        broker = null;
        try {
            ending.stopAndClose();
        } catch (AssertionError e) {
            if (!failed) {
                BrokerLogs.collect(context, ending.logFiles());
            }
            throw e;
        }
    }

    private BrokerProcess running() {
        if (broker == null) {
            throw new IllegalStateException("No broker here: a MillraceBroker serves the tests of the class that"
                    + " registers it, from its static field for all tests or its instance field for each test");
        }
        return broker;
    }
}
