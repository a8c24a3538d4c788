package io.millrace.spark.source.reader;

import io.millrace.spark.options.SourceErrors;
import io.millrace.spark.source.offsets.OffsetRange;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;

/**
 * Reads the records of one range {@code [from, until)} on an executor. The range is done when
 * the consumer's position reaches {@code until}, whether or not a record has offset
 * {@code until - 1}: compaction, transaction markers and aborted records leave offsets without
 * records, and none of them is a loss or a reason to wait. Data is lost only when the broker no
 * longer has an offset of the range (the consumer's fetch is out of range); that follows
 * {@code failOnDataLoss}. A partition that yields nothing for {@code kafkaConsumer.pollTimeoutMs}
 * fails the task. Not thread-safe: one per task.
 */
final class RangePartitionReader implements PartitionReader<InternalRow> {

    private static final Duration POLL_SLICE = Duration.ofMillis(200);

    private final RangeInputPartition input;
    private final OffsetRange range;
    private final ConsumerPool pool;
    private final PooledConsumer consumer;
    private final RecordRowConverter converter;
    private final String groupId;
    private InternalRow current;
    private boolean finished;

    RangePartitionReader(RangeInputPartition input, ConsumerPool pool) {
        this.input = input;
        this.range = input.range();
        this.pool = pool;
        this.groupId = input.consumerParams().get(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = pool.acquire(groupId, range.partition(), input.consumerParams());
        this.converter = new RecordRowConverter(input.includeHeaders(), input.formats());
        consumer.startRangeAt(range.from());
    }

    @Override
    public boolean next() {
        if (finished) {
            return false;
        }
        long deadline = deadlineFromNow();
        while (true) {
            ConsumerRecord<byte[], byte[]> record = consumer.fetched().peekFirst();
            if (record != null) {
                if (record.offset() >= range.until()) {
                    return finish();
                }
                consumer.fetched().removeFirst();
                if (record.offset() >= range.from()) {
                    current = converter.toRow(record);
                    return true;
                }
            } else {
                long position = consumer.consumer().position(partition());
                if (position >= range.until()) {
                    return finish();
                }
                if (fetch() || consumer.consumer().position(partition()) > position) {
                    deadline = deadlineFromNow();
                } else if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Cannot fetch record for offset " + position + " in "
                            + input.pollTimeoutMs() + " milliseconds");
                }
            }
        }
    }

    /** When a partition that yields nothing from now on fails the task. */
    private long deadlineFromNow() {
        return System.nanoTime() + Duration.ofMillis(input.pollTimeoutMs()).toNanos();
    }

    /** Polls once; true when records came. Out-of-range positions are handled as data loss. */
    private boolean fetch() {
        try {
            ConsumerRecords<byte[], byte[]> records = consumer.consumer().poll(POLL_SLICE);
            records.records(partition()).forEach(consumer.fetched()::addLast);
            return !records.isEmpty();
        } catch (OffsetOutOfRangeException e) {
            onOutOfRange(e.offsetOutOfRangePartitions().getOrDefault(partition(), range.from()));
            return true;
        }
    }

    /**
     * The broker no longer has {@code offset}: reports the loss, then goes on from the earliest
     * offset it has, or ends the range if nothing of it is left.
     */
    private void onOutOfRange(long offset) {
        input.dataLoss().onExecutor(SourceErrors.cannotFetchOffset(offset, groupId, partition()));
        long earliest =
                consumer.consumer().beginningOffsets(List.of(partition())).get(partition());
        consumer.seek(offset < earliest ? Math.min(earliest, range.until()) : range.until());
    }

    private boolean finish() {
        finished = true;
        consumer.endRangeAt(range.until());
        return false;
    }

    private TopicPartition partition() {
        return range.partition();
    }

    @Override
    public InternalRow get() {
        return current;
    }

    @Override
    public void close() {
        if (finished) {
            pool.release(consumer);
        } else {
            pool.discard(consumer);
        }
    }
}
