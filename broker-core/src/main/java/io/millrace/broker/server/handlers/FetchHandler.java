package io.millrace.broker.server.handlers;

import io.millrace.broker.log.AbortedTxn;
import io.millrace.broker.log.LogReadResult;
import io.millrace.broker.replication.HighWatermarkWatcher;
import io.millrace.broker.replication.Partition;
import io.millrace.broker.replication.TopicManager;
import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.RequestContext;
import io.millrace.broker.server.Responder;
import io.millrace.broker.server.VersionedHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch for consumers, with long polling: when less than {@code min_bytes} is available the
 * request parks on the partitions' high-watermark watchers and is re-read the moment any of
 * them advances (no polling loop), or answered with what there is after {@code max_wait_ms}.
 *
 * <p>Record data is returned as file slices sent with sendfile. Limits follow KIP-74: each
 * partition gets at most its {@code partition_max_bytes} and the response at most
 * {@code max_bytes}, except that the first partition with data always returns at least one
 * whole batch so consumers make progress.
 *
 * <p>read_committed fetches stop at the last stable offset and carry the aborted transactions
 * overlapping the returned records (with their first offsets), so consumers drop those records;
 * transaction markers are control batches, which consumers skip. read_uncommitted fetches see
 * everything up to the high watermark.
 *
 * <p>Fetch sessions (KIP-227) are declined: every response carries session id 0, which tells
 * clients to keep sending full fetch requests; a request naming a session gets
 * FETCH_SESSION_ID_NOT_FOUND.
 */
public final class FetchHandler extends VersionedHandler<FetchRequest> {

    private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);

    private final TopicManager topics;

    public FetchHandler(TopicManager topics) {
        super(ApiKeys.FETCH, 4, 18);
        this.topics = topics;
    }

    @Override
    public void handle(RequestContext context, FetchRequest request, Responder responder) {
        FetchRequestData data = request.data();
        if (data.sessionId() != 0) {
            responder.respond(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                    .setSessionId(0));
            return;
        }
        if (request.replicaId() >= 0) {
            responder.respond(new FetchResponseData().setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
            return;
        }
        PendingFetch fetch = new PendingFetch(
                context, responder, data, request.isolationLevel(), resolve(context.apiVersion() >= 13, data));
        fetch.attempt(true);
    }

    private List<Item> resolve(boolean byId, FetchRequestData data) {
        List<Item> items = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            Optional<TopicState> state = byId ? topics.topic(topic.topicId()) : topics.topic(topic.topic());
            for (FetchRequestData.FetchPartition fp : topic.partitions()) {
                Partition p = state.map(s -> s.partition(fp.partition())).orElse(null);
                Errors error = Errors.NONE;
                if (p == null) {
                    error = byId && state.isEmpty() ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (fp.currentLeaderEpoch() >= 0 && fp.currentLeaderEpoch() != p.leaderEpoch()) {
                    error = fp.currentLeaderEpoch() > p.leaderEpoch()
                            ? Errors.UNKNOWN_LEADER_EPOCH
                            : Errors.FENCED_LEADER_EPOCH;
                }
                items.add(new Item(topic.topic(), topic.topicId(), fp, p, error));
            }
        }
        return items;
    }

    /** One requested partition, resolved once. */
    private record Item(
            String topicName,
            Uuid topicId,
            FetchRequestData.FetchPartition request,
            Partition partition,
            Errors resolveError) {}

    /**
     * A fetch being answered; may wait for data. Runs on the connection's event loop except
     * for {@link #onHighWatermarkAdvanced}, which only schedules a retry.
     */
    private static final class PendingFetch implements HighWatermarkWatcher {
        private final RequestContext context;
        private final Responder responder;
        private final FetchRequestData data;
        private final IsolationLevel isolation;
        private final List<Item> items;
        private final long[] seenHighWatermarks;
        private volatile boolean done;
        private io.netty.util.concurrent.ScheduledFuture<?> timer;

        PendingFetch(
                RequestContext context,
                Responder responder,
                FetchRequestData data,
                IsolationLevel isolation,
                List<Item> items) {
            this.context = context;
            this.responder = responder;
            this.data = data;
            this.isolation = isolation;
            this.items = items;
            this.seenHighWatermarks = new long[items.size()];
        }

        void attempt(boolean first) {
            if (done) {
                return;
            }
            Read read = read();
            boolean timedOut = !first && timer == null && data.maxWaitMs() > 0;
            if (read.bytes >= data.minBytes() || read.errors || data.maxWaitMs() <= 0 || timedOut || items.isEmpty()) {
                finish(read.response);
                return;
            }
            for (Item item : items) {
                if (item.partition != null) {
                    item.partition.watchHighWatermark(this);
                }
            }
            if (first) {
                timer = context.schedule(this::expire, data.maxWaitMs());
            }
            // The high watermark may have moved between the read and the registration.
            for (int i = 0; i < items.size(); i++) {
                Partition p = items.get(i).partition;
                if (p != null && p.highWatermark() != seenHighWatermarks[i]) {
                    context.eventLoop().execute(this::retry);
                    return;
                }
            }
        }

        private void expire() {
            timer = null;
            if (!done) {
                retry();
            }
        }

        /** Re-reads after a wake-up or the timeout; a failure still answers the client. */
        private void retry() {
            try {
                attempt(false);
            } catch (RuntimeException e) {
                if (!done) {
                    log.error("Fetch from {} failed: {}", context.describeClient(), e.toString(), e);
                    finish(new FetchResponseData()
                            .setErrorCode(Errors.forException(e).code()));
                }
            }
        }

        private void finish(FetchResponseData response) {
            done = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            responder.respond(response);
        }

        @Override
        public void onHighWatermarkAdvanced() {
            if (!done) {
                context.execute(this::retry);
            }
        }

        @Override
        public boolean isDone() {
            return done;
        }

        private Read read() {
            FetchResponseData response =
                    new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
            int remaining = data.maxBytes() <= 0 ? Integer.MAX_VALUE : data.maxBytes();
            boolean minOneBatch = true;
            long bytes = 0;
            boolean errors = false;
            FetchResponseData.FetchableTopicResponse topic = null;
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                if (topic == null || !sameTopic(topic, item)) {
                    topic = new FetchResponseData.FetchableTopicResponse()
                            .setTopic(item.topicName)
                            .setTopicId(item.topicId);
                    response.responses().add(topic);
                }
                FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData()
                        .setPartitionIndex(item.request.partition())
                        .setRecords(MemoryRecords.EMPTY)
                        .setAbortedTransactions(isolation == IsolationLevel.READ_COMMITTED ? new ArrayList<>() : null);
                topic.partitions().add(pd);
                if (item.resolveError != Errors.NONE) {
                    pd.setErrorCode(item.resolveError.code())
                            .setHighWatermark(-1)
                            .setLastStableOffset(-1)
                            .setLogStartOffset(-1);
                    errors = true;
                    continue;
                }
                Partition p = item.partition;
                if (p.isDeleted()) {
                    pd.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    errors = true;
                    continue;
                }
                int limit = Math.min(Math.max(item.request.partitionMaxBytes(), 0), remaining);
                LogReadResult result = p.read(
                        item.request.fetchOffset(), limit, minOneBatch, isolation == IsolationLevel.READ_COMMITTED);
                seenHighWatermarks[i] = result.highWatermark();
                pd.setErrorCode(result.error().code())
                        .setHighWatermark(result.highWatermark())
                        .setLastStableOffset(result.lastStableOffset())
                        .setLogStartOffset(result.logStartOffset());
                if (result.abortedTransactions() != null) {
                    for (AbortedTxn txn : result.abortedTransactions()) {
                        pd.abortedTransactions()
                                .add(new FetchResponseData.AbortedTransaction()
                                        .setProducerId(txn.producerId())
                                        .setFirstOffset(txn.firstOffset()));
                    }
                }
                if (result.error() != Errors.NONE) {
                    errors = true;
                    continue;
                }
                int size = result.records().sizeInBytes();
                if (size > 0) {
                    pd.setRecords(result.records());
                    bytes += size;
                    remaining = Math.max(0, remaining - size);
                    minOneBatch = false;
                }
            }
            return new Read(response, bytes, errors);
        }

        private static boolean sameTopic(FetchResponseData.FetchableTopicResponse topic, Item item) {
            return java.util.Objects.equals(topic.topic(), item.topicName)
                    && java.util.Objects.equals(topic.topicId(), item.topicId);
        }
    }

    private record Read(FetchResponseData response, long bytes, boolean errors) {}
}
