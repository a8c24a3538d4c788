package io.millrace.broker.server.handlers;

import io.millrace.broker.log.ProducerView;
import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeProducersRequest;

/**
 * DescribeProducers v0 ({@code kafka-transactions describe-producers}, {@code find-hanging} and
 * {@code abort}, Flink's lingering-transaction cleanup): the producers a partition tracks, with the
 * start offset of each one's open transaction.
 */
public final class DescribeProducersHandler extends VersionedHandler<DescribeProducersRequest> {

    private final TopicManager topics;

    public DescribeProducersHandler(TopicManager topics) {
        super(ApiKeys.DESCRIBE_PRODUCERS, 0, 0);
        this.topics = topics;
    }

    @Override
    public void handle(RequestContext context, DescribeProducersRequest request, Responder responder) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : request.data().topics()) {
            TopicResponse tr = new TopicResponse().setName(topic.name());
            response.topics().add(tr);
            for (int index : topic.partitionIndexes()) {
                PartitionResponse pr = new PartitionResponse().setPartitionIndex(index);
                tr.partitions().add(pr);
                Partition p = topics.partition(topic.name(), index);
                Errors unavailable = RequestChecks.unavailable(p);
                if (unavailable != Errors.NONE) {
                    pr.setErrorCode(unavailable.code());
                } else {
                    for (ProducerView v : p.activeProducers()) {
                        pr.activeProducers()
                                .add(new ProducerState()
                                        .setProducerId(v.producerId())
                                        .setProducerEpoch(v.epoch())
                                        .setLastSequence(v.lastSequence())
                                        .setLastTimestamp(v.lastTimestamp())
                                        .setCoordinatorEpoch(v.coordinatorEpoch())
                                        .setCurrentTxnStartOffset(v.currentTxnStartOffset()));
                    }
                }
            }
        }
        responder.respond(response);
    }
}
