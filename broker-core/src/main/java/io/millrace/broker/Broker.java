package io.millrace.broker;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.ConfigLoader;
import io.millrace.broker.coordinator.txn.PartitionMarkerWriter;
import io.millrace.broker.coordinator.txn.PartitionTxnStateLog;
import io.millrace.broker.coordinator.txn.ProducerIdManager;
import io.millrace.broker.coordinator.txn.ThreadTxnExecutor;
import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.coordinator.txn.TxnCoordinatorConfig;
import io.millrace.broker.extension.BrokerExtensions;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogConfig;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.replication.MetadataStore;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiRegistry;
import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.handlers.AddPartitionsToTxnHandler;
import io.millrace.broker.server.handlers.AlterConfigsHandler;
import io.millrace.broker.server.handlers.ApiVersionsHandler;
import io.millrace.broker.server.handlers.DescribeClusterHandler;
import io.millrace.broker.server.handlers.DescribeConfigsHandler;
import io.millrace.broker.server.handlers.DescribeProducersHandler;
import io.millrace.broker.server.handlers.DescribeTransactionsHandler;
import io.millrace.broker.server.handlers.EndTxnHandler;
import io.millrace.broker.server.handlers.ListTransactionsHandler;
import io.millrace.broker.server.handlers.TxnVerifier;
import io.millrace.broker.server.handlers.WriteTxnMarkersHandler;
import io.millrace.broker.server.handlers.DescribeTopicPartitionsHandler;
import io.millrace.broker.server.handlers.IncrementalAlterConfigsHandler;
import io.millrace.broker.server.handlers.CreatePartitionsHandler;
import io.millrace.broker.server.handlers.CreateTopicsHandler;
import io.millrace.broker.server.handlers.DeleteRecordsHandler;
import io.millrace.broker.server.handlers.DeleteTopicsHandler;
import io.millrace.broker.server.handlers.FetchHandler;
import io.millrace.broker.server.handlers.InitProducerIdHandler;
import io.millrace.broker.server.handlers.ListOffsetsHandler;
import io.millrace.broker.server.handlers.MetadataHandler;
import io.millrace.broker.server.handlers.ProduceHandler;
import io.millrace.broker.server.network.SocketServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running broker: recovers storage (the log manager locks the data directories), loads topics, then opens
 * its listeners. {@link #close()} reverses that: stop accepting, finish admin work, flush and
 * checkpoint storage.
 */
public final class Broker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final LogManager logs;
    private final ExecutorService adminExecutor;
    private final TxnServices transactions;
    private final SocketServer server;
    private final ClusterInfo cluster;
    private final List<Endpoint> endpoints;
    private volatile AutoCloseable extensions = () -> { };

    private Broker(BrokerConfig config, LogManager logs, ExecutorService adminExecutor, TxnServices transactions,
                   SocketServer server, ClusterInfo cluster, List<Endpoint> endpoints) {
        this.config = config;
        this.logs = logs;
        this.adminExecutor = adminExecutor;
        this.transactions = transactions;
        this.server = server;
        this.cluster = cluster;
        this.endpoints = endpoints;
    }

    /** The transaction coordinator, the marker writer and the threads they run on. */
    private record TxnServices(TransactionCoordinator coordinator, PartitionMarkerWriter markers, boolean verification,
                               ThreadTxnExecutor loop, ExecutorService loader) implements AutoCloseable {

        static TxnServices start(BrokerConfig config, TopicManager topics, ProducerIdManager producerIds, Clock clock) {
            TxnCoordinatorConfig txnConfig = TxnCoordinatorConfig.from(config);
            TopicState stateTopic = topics.topic(TransactionCoordinator.TOPIC).orElseGet(() -> topics.create(
                TransactionCoordinator.TOPIC, txnConfig.statePartitions(), (short) -1, Map.of(
                    LogConfig.CLEANUP_POLICY, "compact",
                    LogConfig.SEGMENT_BYTES, String.valueOf(txnConfig.stateSegmentBytes()),
                    // Compaction, not time, bounds this topic: the state of live transactional ids never ages out.
                    LogConfig.RETENTION_MS, "-1"), false));
            ThreadTxnExecutor loop = new ThreadTxnExecutor();
            ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "millrace-txn-loader");
                t.setDaemon(true);
                return t;
            });
            PartitionMarkerWriter markers = new PartitionMarkerWriter(topics, loop, clock);
            TransactionCoordinator coordinator = new TransactionCoordinator(txnConfig, clock, loop,
                new PartitionTxnStateLog(stateTopic.partitions(), loop, clock), markers, producerIds::nextProducerId);
            coordinator.startup(loader);
            return new TxnServices(coordinator, markers, txnConfig.partitionVerification(), loop, loader);
        }

        TxnVerifier verifier() {
            return verification ? coordinator::verifyPartition : TxnVerifier.DISABLED;
        }

        @Override
        public void close() {
            loader.shutdownNow();
            loop.close();
        }
    }

    /**
     * Starts a broker, then the given extensions against its first listener; when an extension
     * fails to start, the broker is closed again and the failure rethrown.
     *
     * @param extensionSettings raw values of the extensions' keys ({@link ConfigLoader.Result#extensionSettings()})
     */
    public static Broker start(BrokerConfig config, Clock clock, BrokerExtensions extensions,
                               Map<String, String> extensionSettings) throws Exception {
        Broker broker = start(config, clock);
        try {
            broker.extensions = extensions.startAll(extensionSettings, bootstrapAddress(broker.endpoints.get(0)));
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** {@code host:port} a client on this machine reaches the listener at (wildcard binds become loopback). */
    static String bootstrapAddress(Endpoint endpoint) {
        String host = endpoint.host();
        if (host.isEmpty() || host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.equals("::")) {
            host = "::1";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + endpoint.port();
    }

    /**
     * Starts a broker; on failure everything already started is closed again.
     *
     * @throws IOException when storage cannot be opened or recovered
     * @throws KafkaException when listeners or settings are unusable
     */
    public static Broker start(BrokerConfig config, Clock clock) throws IOException {
        List<Endpoint> listeners = Endpoint.parseList(BrokerConfig.LISTENERS, config.getList(BrokerConfig.LISTENERS),
            config.getString(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP));
        List<Path> logDirs = config.logDirs().stream().map(p -> Path.of(p).toAbsolutePath()).toList();
        LogManager logs = null;
        ExecutorService admin = null;
        TxnServices transactions = null;
        SocketServer server = null;
        try {
            MetadataStore store = MetadataStore.locate(logDirs);
            String clusterId = store.loadOrCreateClusterId(config.nodeId());
            logs = new LogManager(LogManagerConfig.from(config), clock, FileChannelFactory.DEFAULT);
            TopicManager topics = new TopicManager(config, store, logs);
            topics.startup();
            ProducerIdManager producerIds = new ProducerIdManager(store.producerIdFile());
            transactions = TxnServices.start(config, topics, producerIds, clock);
            TxnServices txn = transactions;
            admin = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "millrace-admin");
                t.setDaemon(true);
                return t;
            });
            ExecutorService adminExecutor = admin;
            server = new SocketServer(config);
            AtomicReference<ClusterInfo> cluster = new AtomicReference<>();
            List<Endpoint> bound = server.start(listeners, boundEndpoints -> {
                ClusterInfo info = new ClusterInfo(config.nodeId(), clusterId,
                    config.getString(BrokerConfig.BROKER_RACK), Endpoint.advertised(config, boundEndpoints));
                cluster.set(info);
                return handlers(config, topics, producerIds, info, adminExecutor, txn);
            });
            Broker broker = new Broker(config, logs, admin, transactions, server, cluster.get(), bound);
            log.info("Millrace broker started: node {}, cluster {}, listening on {}, data in {}", config.nodeId(),
                clusterId, bound.stream().map(Endpoint::uri).toList(), logDirs);
            return broker;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (admin != null) {
                admin.shutdownNow();
            }
            if (transactions != null) {
                transactions.close();
            }
            if (logs != null) {
                logs.close();
            }
            throw e;
        }
    }

    static ApiRegistry handlers(BrokerConfig config, TopicManager topics, ProducerIdManager producerIds,
                                ClusterInfo cluster, ExecutorService admin, TxnServices txn) {
        AtomicReference<ApiRegistry> self = new AtomicReference<>();
        ApiRegistry registry = ApiRegistry.builder()
            .add(new ApiVersionsHandler(() -> self.get().handlers(), cluster.clusterId()))
            .add(new MetadataHandler(topics, cluster, config.getBoolean(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE), admin))
            .add(new ProduceHandler(topics, txn.verifier()))
            .add(new FetchHandler(topics))
            .add(new ListOffsetsHandler(topics))
            .add(new InitProducerIdHandler(producerIds, txn.coordinator(), admin))
            .add(new AddPartitionsToTxnHandler(topics, txn.coordinator()))
            .add(new EndTxnHandler(txn.coordinator()))
            .add(new WriteTxnMarkersHandler(txn.markers()))
            .add(new DescribeProducersHandler(topics))
            .add(new DescribeTransactionsHandler(txn.coordinator()))
            .add(new ListTransactionsHandler(txn.coordinator()))
            .add(new CreateTopicsHandler(topics, config, admin))
            .add(new DeleteTopicsHandler(topics, admin))
            .add(new CreatePartitionsHandler(topics, config.nodeId(), admin))
            .add(new DeleteRecordsHandler(topics, admin))
            .add(new DescribeConfigsHandler(topics, config))
            .add(new AlterConfigsHandler(topics, config.nodeId(), admin))
            .add(new IncrementalAlterConfigsHandler(topics, config.nodeId(), admin))
            .add(new DescribeClusterHandler(cluster))
            .add(new DescribeTopicPartitionsHandler(topics, cluster))
            .build();
        self.set(registry);
        return registry;
    }

    /** The listeners as bound (with real ports). */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public ClusterInfo cluster() {
        return cluster;
    }

    @Override
    public void close() {
        log.info("Millrace broker shutting down");
        try {
            extensions.close();
        } catch (Exception e) {
            log.warn("Broker extensions did not stop cleanly: {}", e.toString(), e);
        }
        server.close();
        transactions.close();
        adminExecutor.shutdown();
        try {
            if (!adminExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Admin operations did not finish within 30 s; shutting down anyway");
                adminExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logs.close();
        log.info("Millrace broker stopped cleanly");
    }
}
