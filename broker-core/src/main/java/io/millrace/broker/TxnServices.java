package io.millrace.broker;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.coordinator.ThreadCoordinatorExecutor;
import io.millrace.broker.coordinator.txn.PartitionMarkerWriter;
import io.millrace.broker.coordinator.txn.PartitionTxnStateLog;
import io.millrace.broker.coordinator.txn.ProducerIdManager;
import io.millrace.broker.coordinator.txn.TransactionCoordinator;
import io.millrace.broker.coordinator.txn.TxnCoordinatorConfig;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.handlers.TxnVerifier;
import java.util.concurrent.ExecutorService;

/**
 * The transaction coordinator of a running broker, the marker writer and the threads they run on:
 * creates the internal topic {@value TransactionCoordinator#TOPIC} when missing, then replays it on
 * the {@code millrace-txn-loader} thread while the coordinator thread starts.
 */
record TxnServices(
        TransactionCoordinator coordinator,
        PartitionMarkerWriter markers,
        boolean verification,
        ThreadCoordinatorExecutor loop,
        ExecutorService loader)
        implements AutoCloseable {

    static TxnServices start(BrokerConfig config, TopicManager topics, ProducerIdManager producerIds, Clock clock) {
        TxnCoordinatorConfig txnConfig = TxnCoordinatorConfig.from(config);
        TopicState stateTopic = CoordinatorSupport.stateTopic(
                topics, TransactionCoordinator.TOPIC, txnConfig.statePartitions(), txnConfig.stateSegmentBytes());
        ThreadCoordinatorExecutor loop = new ThreadCoordinatorExecutor("millrace-txn-coordinator");
        ExecutorService loader = CoordinatorSupport.daemonThread("millrace-txn-loader");
        PartitionMarkerWriter markers = new PartitionMarkerWriter(topics, loop, clock);
        TransactionCoordinator coordinator = new TransactionCoordinator(
                txnConfig,
                clock,
                loop,
                new PartitionTxnStateLog(stateTopic.partitions(), loop, clock),
                markers,
                producerIds::nextProducerId);
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
