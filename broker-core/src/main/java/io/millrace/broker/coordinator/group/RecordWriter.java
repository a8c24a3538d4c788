package io.millrace.broker.coordinator.group;

import io.millrace.broker.log.VerificationGuard;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/**
 * Appends group records to their {@code __consumer_offsets} partition. {@code done} runs on the
 * coordinator thread once the records are durable (NONE) or can never be (the append error);
 * with no records it runs once everything appended to the partition before is durable, so a
 * response never reveals state that a crash could still undo.
 */
interface RecordWriter {

    void write(int partition, List<GroupRecord> records, Consumer<Errors> done);

    /** Writes offset commits within the producer's transaction ({@link OffsetsLog#appendTransactional}). */
    void writeTransactional(
            int partition,
            List<GroupRecord> records,
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            Consumer<Errors> done);
}
