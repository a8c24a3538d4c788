package io.millrace.broker.coordinator.group;

import io.millrace.broker.coordinator.group.GroupRecord.OffsetCommit;
import io.millrace.broker.log.VerificationGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * TxnOffsetCommit (Kafka's transactional offset commit, KIP-98 and KIP-447): offsets a
 * transactional producer commits for a consumer group as part of its transaction. The group checks
 * the consumer's group metadata the producer sends along (member id, generation, instance id), so
 * a zombie from an older generation is refused (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID); the offsets are written as one transactional batch of the producer to the
 * group's {@code __consumer_offsets} partition, where an older producer epoch is fenced
 * (INVALID_PRODUCER_EPOCH), and stay pending ({@link PendingTxnOffsets}) until the transaction's
 * marker lands there. Confined to the coordinator thread.
 */
final class TxnOffsetCommitter {

    private final CoordinatorContext ctx;
    private final OffsetManager offsets;

    TxnOffsetCommitter(CoordinatorContext ctx, OffsetManager offsets) {
        this.ctx = ctx;
        this.offsets = offsets;
    }

    void commit(
            ClientInfo client,
            TxnOffsetCommitRequestData request,
            VerificationGuard guard,
            CompletableFuture<TxnOffsetCommitResponseData> future) {
        Errors groupError = offsets.validateCommit(
                request.groupId(),
                request.memberId(),
                request.groupInstanceId(),
                request.generationIdOrMemberEpoch(),
                client.apiVersion(),
                true);
        long now = ctx.now();
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        List<GroupRecord> records = new ArrayList<>();
        List<OffsetCommit> pending = new ArrayList<>();
        List<TxnOffsetCommitResponsePartition> written = new ArrayList<>();
        for (TxnOffsetCommitRequestTopic t : request.topics()) {
            TxnOffsetCommitResponseTopic rt = new TxnOffsetCommitResponseTopic().setName(t.name());
            response.topics().add(rt);
            TopicsView.Topic topic = ctx.topics.byName(t.name());
            for (TxnOffsetCommitRequestPartition p : t.partitions()) {
                TxnOffsetCommitResponsePartition rp =
                        new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                Errors error = groupError != Errors.NONE
                        ? groupError
                        : offsets.checkPartition(topic, false, p.partitionIndex(), p.committedMetadata());
                if (error != Errors.NONE) {
                    rp.setErrorCode(error.code());
                    continue;
                }
                OffsetCommit record = new OffsetCommit(
                        request.groupId(),
                        topic.name(),
                        p.partitionIndex(),
                        new OffsetAndMetadata(
                                p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(), now, -1L));
                records.add(record);
                pending.add(record);
                written.add(rp);
            }
        }
        if (records.isEmpty()) {
            future.complete(response);
            return;
        }
        long producerId = request.producerId();
        pending.forEach(r -> ctx.store.replayTransactional(producerId, r));
        ctx.writer.writeTransactional(
                ctx.store.partitionFor(request.groupId()),
                records,
                producerId,
                request.producerEpoch(),
                guard,
                error -> {
                    if (error != Errors.NONE) {
                        ctx.store.pendingTxnOffsets.remove(producerId, pending);
                    }
                    Errors reported = AppendErrors.toCommitError(error);
                    written.forEach(rp -> rp.setErrorCode(reported.code()));
                    future.complete(response);
                });
    }
}
