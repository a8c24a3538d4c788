package io.millrace.broker;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.ExecutorShutdown;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.ConfigLoader;
import io.millrace.broker.common.config.DynamicBrokerConfig;
import io.millrace.broker.coordinator.ThreadCoordinatorExecutor;
import io.millrace.broker.coordinator.group.GroupCoordinator;
import io.millrace.broker.coordinator.group.GroupCoordinatorConfig;
import io.millrace.broker.coordinator.group.PartitionOffsetsLog;
import io.millrace.broker.coordinator.group.TopicManagerView;
import io.millrace.broker.coordinator.txn.ProducerIdManager;
import io.millrace.broker.extension.BrokerExtensions;
import io.millrace.broker.log.FileChannelFactory;
import io.millrace.broker.log.LogManager;
import io.millrace.broker.log.LogManagerConfig;
import io.millrace.broker.replication.MetadataStore;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.ApiRegistry;
import io.millrace.broker.server.ClusterInfo;
import io.millrace.broker.server.Endpoint;
import io.millrace.broker.server.handlers.AddOffsetsToTxnHandler;
import io.millrace.broker.server.handlers.AddPartitionsToTxnHandler;
import io.millrace.broker.server.handlers.AlterConfigsHandler;
import io.millrace.broker.server.handlers.ApiVersionsHandler;
import io.millrace.broker.server.handlers.ConsumerGroupDescribeHandler;
import io.millrace.broker.server.handlers.ConsumerGroupHeartbeatHandler;
import io.millrace.broker.server.handlers.CreatePartitionsHandler;
import io.millrace.broker.server.handlers.CreateTopicsHandler;
import io.millrace.broker.server.handlers.DeleteGroupsHandler;
import io.millrace.broker.server.handlers.DeleteRecordsHandler;
import io.millrace.broker.server.handlers.DeleteTopicsHandler;
import io.millrace.broker.server.handlers.DescribeClusterHandler;
import io.millrace.broker.server.handlers.DescribeConfigsHandler;
import io.millrace.broker.server.handlers.DescribeGroupsHandler;
import io.millrace.broker.server.handlers.DescribeProducersHandler;
import io.millrace.broker.server.handlers.DescribeTopicPartitionsHandler;
import io.millrace.broker.server.handlers.DescribeTransactionsHandler;
import io.millrace.broker.server.handlers.EndTxnHandler;
import io.millrace.broker.server.handlers.FetchHandler;
import io.millrace.broker.server.handlers.FindCoordinatorHandler;
import io.millrace.broker.server.handlers.HeartbeatHandler;
import io.millrace.broker.server.handlers.IncrementalAlterConfigsHandler;
import io.millrace.broker.server.handlers.InitProducerIdHandler;
import io.millrace.broker.server.handlers.JoinGroupHandler;
import io.millrace.broker.server.handlers.LeaveGroupHandler;
import io.millrace.broker.server.handlers.ListGroupsHandler;
import io.millrace.broker.server.handlers.ListOffsetsHandler;
import io.millrace.broker.server.handlers.ListTransactionsHandler;
import io.millrace.broker.server.handlers.MetadataHandler;
import io.millrace.broker.server.handlers.OffsetCommitHandler;
import io.millrace.broker.server.handlers.OffsetDeleteHandler;
import io.millrace.broker.server.handlers.OffsetFetchHandler;
import io.millrace.broker.server.handlers.ProduceHandler;
import io.millrace.broker.server.handlers.SyncGroupHandler;
import io.millrace.broker.server.handlers.TxnOffsetCommitHandler;
import io.millrace.broker.server.handlers.WriteTxnMarkersHandler;
import io.millrace.broker.server.network.SocketServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running broker: loads the dynamic broker configuration, recovers storage (the log manager locks the
 * data directories), loads topics, then opens its listeners. {@link #close()} reverses that: stop
 * accepting, finish admin work, flush and checkpoint storage. The topics, the storage and the listeners
 * apply changes of the dynamic broker configuration while the broker runs.
 */
public final class Broker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    /** The internal topic holding committed offsets and group state. */
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final BrokerConfig config;
    private final LogManager logs;
    private final ExecutorService adminExecutor;
    private final GroupServices groups;
    private final TxnServices transactions;
    private final SocketServer server;
    private final ClusterInfo cluster;
    private final List<Endpoint> endpoints;
    private volatile AutoCloseable extensions = () -> {};

    private Broker(
            BrokerConfig config,
            LogManager logs,
            ExecutorService adminExecutor,
            GroupServices groups,
            TxnServices transactions,
            SocketServer server,
            ClusterInfo cluster,
            List<Endpoint> endpoints) {
        this.config = config;
        this.logs = logs;
        this.adminExecutor = adminExecutor;
        this.groups = groups;
        this.transactions = transactions;
        this.server = server;
        this.cluster = cluster;
        this.endpoints = endpoints;
    }

    /** The group coordinator and the threads it runs on. */
    private record GroupServices(GroupCoordinator coordinator, ThreadCoordinatorExecutor loop, ExecutorService loader)
            implements AutoCloseable {

        static GroupServices start(BrokerConfig config, TopicManager topics, Clock clock) {
            GroupCoordinatorConfig groupConfig = GroupCoordinatorConfig.from(config);
            TopicState offsetsTopic = CoordinatorSupport.stateTopic(
                    topics,
                    OFFSETS_TOPIC,
                    groupConfig.offsetsTopicPartitions(),
                    groupConfig.offsetsTopicSegmentBytes());
            ThreadCoordinatorExecutor loop = new ThreadCoordinatorExecutor("millrace-group-coordinator");
            ExecutorService loader = CoordinatorSupport.daemonThread("millrace-group-loader");
            TopicManagerView view = new TopicManagerView(topics);
            GroupCoordinator coordinator = new GroupCoordinator(
                    groupConfig, clock, loop, new PartitionOffsetsLog(offsetsTopic.partitions(), loop), view);
            view.attach(coordinator);
            topics.addListener(view);
            coordinator.startup(loader);
            return new GroupServices(coordinator, loop, loader);
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
    public static Broker start(
            BrokerConfig config, Clock clock, BrokerExtensions extensions, Map<String, String> extensionSettings)
            throws Exception {
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
     * @param staticConfig the configuration from the properties file, environment and command line
     * @throws IOException when storage cannot be opened or recovered
     * @throws KafkaException when listeners or settings are unusable
     */
    public static Broker start(BrokerConfig staticConfig, Clock clock) throws IOException {
        List<Endpoint> listeners = Endpoint.parseList(
                BrokerConfig.LISTENERS,
                staticConfig.getList(BrokerConfig.LISTENERS),
                staticConfig.getString(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP));
        List<Path> logDirs = staticConfig.logDirs().stream()
                .map(p -> Path.of(p).toAbsolutePath())
                .toList();
        LogManager logs = null;
        ExecutorService admin = null;
        GroupServices groups = null;
        TxnServices transactions = null;
        SocketServer server = null;
        try {
            MetadataStore store = MetadataStore.locate(logDirs);
            String clusterId = store.loadOrCreateClusterId(staticConfig.nodeId());
            DynamicBrokerConfig dynamicConfig = DynamicBrokerConfig.load(staticConfig, store.dynamicBrokerConfigFile());
            BrokerConfig config = dynamicConfig.current();
            logs = new LogManager(LogManagerConfig.from(config), clock, FileChannelFactory.DEFAULT);
            TopicManager topics = new TopicManager(config, store, logs);
            topics.startup();
            ProducerIdManager producerIds = new ProducerIdManager(store.producerIdFile());
            groups = GroupServices.start(config, topics, clock);
            GroupCoordinator groupCoordinator = groups.coordinator();
            transactions = TxnServices.start(config, topics, producerIds, clock);
            TxnServices txn = transactions;
            // Markers in __consumer_offsets decide the offsets transactions committed there.
            txn.markers().setListener((tp, producerId, commit) -> {
                if (tp.topic().equals(OFFSETS_TOPIC)) {
                    groupCoordinator.onTransactionCompleted(tp.partition(), producerId, commit);
                }
            });
            admin = CoordinatorSupport.daemonThread("millrace-admin");
            ExecutorService adminExecutor = admin;
            server = new SocketServer(config);
            AtomicReference<ClusterInfo> cluster = new AtomicReference<>();
            List<Endpoint> bound = server.start(listeners, boundEndpoints -> {
                ClusterInfo info = new ClusterInfo(
                        config.nodeId(),
                        clusterId,
                        config.getString(BrokerConfig.BROKER_RACK),
                        Endpoint.advertised(config, boundEndpoints));
                cluster.set(info);
                return handlers(dynamicConfig, topics, producerIds, info, adminExecutor, groupCoordinator, txn);
            });
            dynamicConfig.addReconfigurable(topics);
            dynamicConfig.addReconfigurable(logs);
            dynamicConfig.addReconfigurable(server);
            Broker broker = new Broker(config, logs, admin, groups, transactions, server, cluster.get(), bound);
            log.info(
                    "Millrace broker started: node {}, cluster {}, listening on {}, data in {}",
                    config.nodeId(),
                    clusterId,
                    bound.stream().map(Endpoint::uri).toList(),
                    logDirs);
            return broker;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (admin != null) {
                admin.shutdownNow();
            }
            if (groups != null) {
                groups.close();
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

    static ApiRegistry handlers(
            DynamicBrokerConfig dynamicConfig,
            TopicManager topics,
            ProducerIdManager producerIds,
            ClusterInfo cluster,
            ExecutorService admin,
            GroupCoordinator groups,
            TxnServices txn) {
        BrokerConfig config = dynamicConfig.current();
        AtomicReference<ApiRegistry> self = new AtomicReference<>();
        ApiRegistry.Builder builder = ApiRegistry.builder()
                .add(new ApiVersionsHandler(() -> self.get().handlers(), cluster.clusterId()))
                .add(new MetadataHandler(
                        topics, cluster, config.getBoolean(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE), admin))
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
                .add(new AddOffsetsToTxnHandler(txn.coordinator(), groups, OFFSETS_TOPIC))
                .add(new TxnOffsetCommitHandler(groups, topics, OFFSETS_TOPIC, txn.verifier()))
                .add(new CreateTopicsHandler(topics, dynamicConfig, admin))
                .add(new DeleteTopicsHandler(topics, admin))
                .add(new CreatePartitionsHandler(topics, config.nodeId(), admin))
                .add(new DeleteRecordsHandler(topics, admin))
                .add(new DescribeConfigsHandler(topics, dynamicConfig))
                .add(new AlterConfigsHandler(topics, dynamicConfig, admin))
                .add(new IncrementalAlterConfigsHandler(topics, dynamicConfig, admin))
                .add(new DescribeClusterHandler(cluster))
                .add(new DescribeTopicPartitionsHandler(topics, cluster))
                .add(new FindCoordinatorHandler(cluster))
                .add(new JoinGroupHandler(groups))
                .add(new SyncGroupHandler(groups))
                .add(new HeartbeatHandler(groups))
                .add(new LeaveGroupHandler(groups))
                .add(new OffsetCommitHandler(groups))
                .add(new OffsetFetchHandler(groups))
                .add(new OffsetDeleteHandler(groups))
                .add(new ListGroupsHandler(groups))
                .add(new DescribeGroupsHandler(groups))
                .add(new DeleteGroupsHandler(groups));
        if (groups.config().consumerProtocolEnabled()) {
            builder.add(new ConsumerGroupHeartbeatHandler(groups)).add(new ConsumerGroupDescribeHandler(groups));
        }
        ApiRegistry registry = builder.build();
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
        groups.close();
        ExecutorShutdown.shutdownAndAwait(adminExecutor, 30, () -> {
            log.warn("Admin operations did not finish within 30 s; shutting down anyway");
            adminExecutor.shutdownNow();
        });
        logs.close();
        log.info("Millrace broker stopped cleanly");
    }
}
