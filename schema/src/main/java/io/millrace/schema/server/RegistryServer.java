package io.millrace.schema.server;

import io.millrace.schema.registry.SchemaRegistry;
import io.millrace.schema.store.RegistryState;
import io.millrace.schema.store.SchemasTopic;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running schema registry: the {@code _schemas} topic replayed into memory, and the REST API
 * served by Jetty on the configured listeners. {@link #close()} stops HTTP first, then the topic
 * clients.
 */
public final class RegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

    private final SchemasTopic topic;
    private final Server jetty;
    private final List<URI> uris;

    private RegistryServer(SchemasTopic topic, Server jetty, List<URI> uris) {
        this.topic = topic;
        this.jetty = jetty;
        this.uris = uris;
    }

    /**
     * Opens the schemas topic on the broker at {@code bootstrap}, replays it, then binds the listeners.
     *
     * @throws IOException when a listener cannot be bound (the message names it)
     */
    public static RegistryServer start(RegistryConfig config, String bootstrap) throws Exception {
        List<URI> listeners = config.listeners();
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException(RegistryConfig.LISTENERS + " is empty: the registry is disabled");
        }
        RegistryState state = new RegistryState();
        SchemasTopic topic = SchemasTopic.open(bootstrap, config.topic(), state, Duration.ofMillis(config.timeoutMs()));
        Server jetty = null;
        try {
            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("millrace-registry-http");
            threads.setDaemon(true);
            jetty = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendDateHeader(false);
            for (URI listener : listeners) {
                ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
                connector.setHost(listener.getHost());
                connector.setPort(listener.getPort());
                jetty.addConnector(connector);
            }
            jetty.setHandler(new RestHandler(new SchemaRegistry(topic, state), config.maxRequestBytes()));
            jetty.setErrorHandler(RegistryServer::jettyError);
            try {
                jetty.start();
            } catch (IOException e) {
                throw new IOException(
                        "The schema registry cannot listen on " + listeners + ": " + e.getMessage()
                                + (e instanceof BindException || e.getCause() instanceof BindException
                                        ? "; another process uses the port: set " + RegistryConfig.LISTENERS
                                                + " to a free address, or empty to disable the registry"
                                        : ""),
                        e);
            }
            List<URI> bound = new ArrayList<>();
            for (var connector : jetty.getConnectors()) {
                ServerConnector c = (ServerConnector) connector;
                bound.add(URI.create("http://" + hostForUri(c.getHost()) + ":" + c.getLocalPort()));
            }
            log.info("Schema registry listening on {}, schemas in topic {} of {}", bound, config.topic(), bootstrap);
            return new RegistryServer(topic, jetty, bound);
        } catch (Exception | Error e) {
            if (jetty != null) {
                try {
                    jetty.stop();
                } catch (Exception stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            topic.close();
            throw e;
        }
    }

    /** Jetty's own errors (bad URI, oversized headers) in the registry's JSON shape. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        int status = response.getStatus() < 400 ? 400 : response.getStatus();
        Object message = request.getAttribute("org.eclipse.jetty.server.error_message");
        Reply reply = RestHandler.error(status, status, "HTTP " + status + (message == null ? "" : ": " + message));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, RestHandler.MEDIA_TYPE);
        response.write(true, java.nio.ByteBuffer.wrap(Json.write(reply.body())), callback);
        return true;
    }

    private static String hostForUri(String host) {
        return host != null && host.contains(":") ? "[" + host + "]" : host;
    }

    /** The bound listener addresses (real ports), e.g. {@code http://127.0.0.1:8081}. */
    public List<URI> uris() {
        return uris;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("The schema registry's HTTP server did not stop cleanly: {}", e.toString());
        }
        topic.close();
        log.info("Schema registry stopped");
    }
}
