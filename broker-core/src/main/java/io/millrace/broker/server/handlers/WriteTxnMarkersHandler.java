package io.millrace.broker.server.handlers;

import io.millrace.broker.coordinator.txn.PartitionMarkerWriter;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WriteTxnMarkers v1-2: writes the given commit or abort markers into this node's partitions and
 * answers once they are durable. Kafka's brokers send it to partition leaders; here the local
 * coordinator writes its markers directly, so this serves the admin client's
 * {@code abortTransaction} ({@code kafka-transactions abort} of a hanging transaction). Each
 * partition gets the append's error (UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH for a stale
 * epoch, TRANSACTION_COORDINATOR_FENCED for a stale coordinator epoch).
 */
public final class WriteTxnMarkersHandler extends VersionedHandler<WriteTxnMarkersRequest> {

    private static final Logger log = LoggerFactory.getLogger(WriteTxnMarkersHandler.class);

    private final PartitionMarkerWriter markers;

    public WriteTxnMarkersHandler(PartitionMarkerWriter markers) {
        super(ApiKeys.WRITE_TXN_MARKERS, 1, 2);
        this.markers = markers;
    }

    @Override
    public void handle(RequestContext context, WriteTxnMarkersRequest request, Responder responder) {
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        int total = 0;
        for (WritableTxnMarker m : request.data().markers()) {
            for (WritableTxnMarkerTopic t : m.topics()) {
                total += t.partitionIndexes().size();
            }
        }
        AtomicInteger remaining = new AtomicInteger(total + 1);
        for (WritableTxnMarker m : request.data().markers()) {
            WritableTxnMarkerResult mr = new WritableTxnMarkerResult().setProducerId(m.producerId());
            response.markers().add(mr);
            for (WritableTxnMarkerTopic t : m.topics()) {
                WritableTxnMarkerTopicResult tr = new WritableTxnMarkerTopicResult().setName(t.name());
                mr.topics().add(tr);
                for (int index : t.partitionIndexes()) {
                    WritableTxnMarkerPartitionResult pr =
                            new WritableTxnMarkerPartitionResult().setPartitionIndex(index);
                    tr.partitions().add(pr);
                    TopicPartition tp = new TopicPartition(t.name(), index);
                    markers.writeMarker(
                            tp,
                            m.producerId(),
                            m.producerEpoch(),
                            m.coordinatorEpoch(),
                            m.transactionResult(),
                            error -> {
                                pr.setErrorCode(error.code());
                                log.info(
                                        "{} marker for producer {} (epoch {}) written to {} on request of {}: {}",
                                        m.transactionResult() ? "Commit" : "Abort",
                                        m.producerId(),
                                        m.producerEpoch(),
                                        tp,
                                        context.describeClient(),
                                        error.name());
                                if (remaining.decrementAndGet() == 0) {
                                    responder.respond(response);
                                }
                            });
                }
            }
        }
        if (remaining.decrementAndGet() == 0) {
            responder.respond(response);
        }
    }
}
