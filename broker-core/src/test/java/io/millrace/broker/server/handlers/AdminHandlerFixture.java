package io.millrace.broker.server.handlers;

import io.millrace.broker.common.ManualClock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.replication.MetadataStore;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiHandler;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
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

/**
 * A real {@link TopicManager} over a temporary directory, an event loop for request contexts, and
 * a responder that captures what a handler answers (after checking it encodes at the request's
 * version). The admin executor runs tasks inline unless a test queues them.
 */
final class AdminHandlerFixture implements AutoCloseable {

    static final Endpoint LISTENER = new Endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "127.0.0.1", 9092);

    final BrokerConfig broker;
    final TopicManager topics;
    private final LogManager logs;
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private boolean started;

    AdminHandlerFixture(Path dir) {
        this(dir, Map.of());
    }

    /** @param brokerSettings explicit broker settings (as if from the properties file) */
    AdminHandlerFixture(Path dir, Map<String, String> brokerSettings) {
        this(dir, brokerSettings, FileChannelFactory.DEFAULT);
    }

    AdminHandlerFixture(Path dir, Map<String, String> brokerSettings, FileChannelFactory channels) {
        Map<String, String> settings = new LinkedHashMap<>(brokerSettings);
        settings.putIfAbsent(BrokerConfig.LOG_DIRS, dir.resolve("data").toString());
        this.broker = BrokerConfig.parse(settings);
        this.logs = new LogManager(LogManagerConfig.from(broker), new ManualClock(), channels);
        this.topics =
                new TopicManager(broker, new MetadataStore(dir.resolve("data").resolve(".millrace")), logs);
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
        return new RequestContext(
                request.apiKey(),
                request.version(),
                7,
                "test-client",
                LISTENER,
                new InetSocketAddress("127.0.0.1", 50000),
                "conn-1",
                System.nanoTime(),
                channel.eventLoop());
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
        CapturingResponder responder = new CapturingResponder(request.version());
        handler.handle(context(request), request, responder);
        return type.cast(responder.single());
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        try {
            logs.close();
        } catch (UnsupportedOperationException storageNotImplementedYet) {
            // the storage layer is still a skeleton
        }
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
