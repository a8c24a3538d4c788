package io.millrace.broker.server.handlers;

import io.millrace.broker.Broker;
import io.millrace.broker.common.Clock;
import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.TempDirectory;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.coordinator.ThreadCoordinatorExecutor;
import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.coordinator.group.GroupCoordinatorConfig;
import io.millrace.broker.coordinator.group.PartitionOffsetsLog;
import io.millrace.broker.coordinator.group.TopicManagerView;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.replication.MetadataStore;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiHandler;
import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link TopicManager} over a temporary directory of its own, the dynamic broker
 * configuration stored there (applied to the topics and the storage), an event loop for request
 * contexts, and a responder that captures what a handler answers (after checking it encodes at the
 * request's version). The admin executor runs tasks inline unless a test queues them.
 *
 * <p>Register it as a JUnit extension ({@code @RegisterExtension final AdminHandlerFixture fixture
 * = new AdminHandlerFixture();}) and it is closed, its directory deleted, after each test; a
 * fixture made inside a test is closed with try-with-resources.
 */
final class AdminHandlerFixture implements AfterEachCallback, AutoCloseable {

    static final Endpoint LISTENER = new Endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "127.0.0.1", 9092);

    /** A cluster of this one node (id 0) advertising {@link #LISTENER}. */
    static final ClusterInfo CLUSTER = new ClusterInfo(0, "cluster", null, Map.of("PLAINTEXT", LISTENER));

    final BrokerConfig broker;
    final DynamicBrokerConfig brokerConfig;
    final TopicManager topics;
    private final Path dir;
    private final LogManager logs;
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<ThreadCoordinatorExecutor> coordinatorThreads = new ArrayList<>();
    private boolean started;

    AdminHandlerFixture() {
        this(Map.of());
    }

    /** @param brokerSettings explicit broker settings (as if from the properties file) */
    AdminHandlerFixture(Map<String, String> brokerSettings) {
        this(brokerSettings, FileChannelFactory.DEFAULT);
    }

    AdminHandlerFixture(Map<String, String> brokerSettings, FileChannelFactory channels) {
        this.dir = TempDirectory.create("millrace-handlers");
        Map<String, String> settings = new LinkedHashMap<>(brokerSettings);
        settings.putIfAbsent(BrokerConfig.LOG_DIRS, dir.resolve("data").toString());
        this.broker = BrokerConfig.parse(settings);
        MetadataStore store = new MetadataStore(dir.resolve("data").resolve(".millrace"));
        try {
            this.brokerConfig = DynamicBrokerConfig.load(broker, store.dynamicBrokerConfigFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.logs = new LogManager(LogManagerConfig.from(broker), new ManualClock(), channels);
        this.topics = new TopicManager(broker, store, logs);
        brokerConfig.addReconfigurable(topics);
        brokerConfig.addReconfigurable(logs);
    }

    /**
     * A loaded group coordinator over {@code __consumer_offsets} (created with {@code partitions}
     * partitions), on a coordinator thread the fixture stops when it closes.
     */
    GroupCoordinator startGroupCoordinator(int partitions, Clock clock) {
        TopicState offsets = topics.createInternalTopic(
                Broker.OFFSETS_TOPIC, partitions, Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        ThreadCoordinatorExecutor loop = coordinatorThread("millrace-group-coordinator");
        GroupCoordinator groups = new GroupCoordinator(
                GroupCoordinatorConfig.from(broker),
                clock,
                loop,
                new PartitionOffsetsLog(offsets.partitions(), loop),
                new TopicManagerView(topics));
        groups.startup(Runnable::run);
        return groups;
    }

    /** A coordinator thread the fixture stops when it closes. */
    ThreadCoordinatorExecutor coordinatorThread(String name) {
        ThreadCoordinatorExecutor loop = new ThreadCoordinatorExecutor(name);
        coordinatorThreads.add(loop);
        return loop;
    }

    /** Creates a topic (starting the storage on first use). */
    TopicState createTopic(String name, int partitions, Map<String, String> configs) throws IOException {
        if (!started) {
            topics.startup();
            started = true;
        }
        return topics.create(name, partitions, (short) -1, configs, false);
    }

    Map<String, String> overrides(String topic) {
        return topics.topic(topic).orElseThrow().metadata().configs();
    }

    RequestContext context(AbstractRequest request) {
        return context(request, LISTENER);
    }

    RequestContext context(AbstractRequest request, Endpoint listener) {
        return new RequestContext(
                request.apiKey(),
                request.version(),
                7,
                "test-client",
                listener,
                new InetSocketAddress("127.0.0.1", 50000),
                "conn-1",
                System.nanoTime(),
                channel.eventLoop());
    }

    /** Runs the handler and returns its (single) response. */
    <R extends AbstractRequest, M extends ApiMessage> M call(ApiHandler<R> handler, R request, Class<M> type) {
        return call(handler, request, LISTENER, type);
    }

    /** Runs the handler on a request that came in on {@code listener} and returns its (single) response. */
    <R extends AbstractRequest, M extends ApiMessage> M call(
            ApiHandler<R> handler, R request, Endpoint listener, Class<M> type) {
        CapturingResponder responder = new CapturingResponder(request.version());
        handler.handle(context(request, listener), request, responder);
        return type.cast(responder.single());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
    }

    /** Stops the coordinator threads (the last started first), closes the storage and deletes the directory. */
    @Override
    public void close() throws IOException {
        for (int i = coordinatorThreads.size() - 1; i >= 0; i--) {
            coordinatorThreads.get(i).close();
        }
        channel.finishAndReleaseAll();
        logs.close();
        TempDirectory.delete(dir);
    }

    /** Captures responses; fails if the handler answers twice or with something that does not encode. */
    static final class CapturingResponder implements Responder {
        private final short version;
        final List<ApiMessage> responses = new ArrayList<>();

        CapturingResponder(short version) {
            this.version = version;
        }

        @Override
        public synchronized void respond(ApiMessage response) {
            respond(response, version);
        }

        @Override
        public synchronized void respond(ApiMessage response, short atVersion) {
            MessageUtil.toByteBufferAccessor(response, atVersion);
            responses.add(response);
        }

        @Override
        public void respondNothing() {
            throw new AssertionError("handler must answer");
        }

        @Override
        public void closeConnection(String reason) {
            throw new AssertionError("handler closed the connection: " + reason);
        }

        synchronized ApiMessage single() {
            if (responses.size() != 1) {
                throw new AssertionError("expected exactly one response, got " + responses.size());
            }
            return responses.get(0);
        }
    }

    /** An executor that holds tasks until the test runs them. */
    static final class QueuedExecutor implements Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    static final Executor INLINE = Runnable::run;
}
