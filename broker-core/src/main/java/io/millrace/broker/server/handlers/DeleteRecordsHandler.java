package io.millrace.broker.server.handlers;

import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.server.RequestContext;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;

/**
 * DeleteRecords: moves each partition's log start offset forward (offset -1 means up to the
 * high watermark). The new start offset is durable before the answer; whole segments below it
 * are removed. Runs on the admin executor.
 */
public final class DeleteRecordsHandler extends BlockingHandler<DeleteRecordsRequest> {

    private final TopicManager topics;

    public DeleteRecordsHandler(TopicManager topics, Executor adminExecutor) {
        super(ApiKeys.DELETE_RECORDS, 0, 2, adminExecutor);
        this.topics = topics;
    }

    @Override
    DeleteRecordsResponseData respond(RequestContext context, DeleteRecordsRequest request) {
        DeleteRecordsRequestData data = request.data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : data.topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult tr =
                    new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(tr);
            for (DeleteRecordsRequestData.DeleteRecordsPartition dp : topic.partitions()) {
                DeleteRecordsResponseData.DeleteRecordsPartitionResult pr =
                        new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                                .setPartitionIndex(dp.partitionIndex())
                                .setLowWatermark(-1L);
                tr.partitions().add(pr);
                Partition p = topics.partition(topic.name(), dp.partitionIndex());
                if (p == null) {
                    pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                if (p.isOffline()) {
                    pr.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                    continue;
                }
                try {
                    pr.setLowWatermark(p.deleteRecordsBefore(dp.offset())).setErrorCode(Errors.NONE.code());
                } catch (ApiException e) {
                    pr.setErrorCode(Errors.forException(e).code());
                }
            }
        }
        return response;
    }
}
