package io.millrace.flink.source.reader;

import io.millrace.flink.source.split.MillraceSplit;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherTask;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * The reader's single fetcher thread, which also commits offsets: the Kafka consumer is not
 * thread-safe, so a commit is a task queued to the thread that polls. When no fetcher runs (every
 * split finished), one is started for the commit and stops again once idle.
 *
 * <p>Called from the reader's task thread.
 */
final class MillraceFetcherManager extends SingleThreadFetcherManager<FetchedRecord, MillraceSplit> {

    MillraceFetcherManager(Supplier<SplitReader<FetchedRecord, MillraceSplit>> splitReaders, Configuration config) {
        super(splitReaders, config);
    }

    void commitOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        SplitFetcher<FetchedRecord, MillraceSplit> fetcher = getRunningFetcher();
        boolean idle = fetcher == null;
        if (idle) {
            fetcher = createSplitFetcher();
        }
        MillraceSplitReader reader = (MillraceSplitReader) fetcher.getSplitReader();
        fetcher.enqueueTask(new SplitFetcherTask() {
            @Override
            public boolean run() {
                reader.commit(offsets, callback);
                return true;
            }

            @Override
            public void wakeUp() {
                // commitAsync does not block
            }

            @Override
            public String toString() {
                return "commit " + offsets;
            }
        });
        if (idle) {
            startFetcher(fetcher);
        }
    }
}
