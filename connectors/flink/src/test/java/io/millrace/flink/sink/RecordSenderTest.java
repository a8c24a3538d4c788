package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Properties;
import java.util.Queue;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.util.function.ThrowingRunnable;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class RecordSenderTest {

    private final SinkWriterMetricGroup metrics =
            InternalSinkWriterMetricGroup.wrap(UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup());
    private final QueuedMailbox mailbox = new QueuedMailbox();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final RecordSender<byte[]> sender = new RecordSender<>(
            (element, context, timestamp) -> new ProducerRecord<>("t", null, element),
            new WriterSinkContext(0, 1, new Properties()),
            metrics,
            mailbox);

    @Test
    void countsRecordsAndBytesOfKeysValuesAndHeadersSent() throws IOException {
        ProducerRecord<byte[], byte[]> withHeader = new ProducerRecord<>("t", new byte[2], new byte[3]);
        withHeader.headers().add("hé", new byte[4]);

        sender.send(producer, sender.serialize(new byte[10], null));
        sender.send(producer, withHeader);
        producer.completeNext();
        producer.completeNext();
        sender.checkErrors();

        assertThat(metrics.getIOMetricGroup().getNumRecordsOutCounter().getCount())
                .isEqualTo(2);
        assertThat(metrics.getIOMetricGroup().getNumBytesOutCounter().getCount())
                .as("10 + 2 + 3 + 3 (UTF-8 of hé) + 4")
                .isEqualTo(22);
        assertThat(metrics.getNumRecordsOutErrorsCounter().getCount()).isZero();
        assertThat(mailbox.mails).isEmpty();
    }

    @Test
    void aFailedSendIsCountedAndFailsTheWriterFromItsMailbox() throws Exception {
        sender.send(producer, sender.serialize(new byte[1], null));
        sender.send(producer, sender.serialize(new byte[1], null));
        sender.send(producer, sender.serialize(new byte[1], null));
        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("too large"));
        producer.errorNext(new RecordTooLargeException("still too large"));

        assertThat(mailbox.mails).as("one mail for the first failure").hasSize(1);
        assertThatThrownBy(() -> mailbox.mails.remove().run())
                .isInstanceOf(IOException.class)
                .hasRootCauseMessage("too large");
        assertThat(metrics.getNumRecordsOutErrorsCounter().getCount()).isEqualTo(2);
        assertThatThrownBy(sender::checkErrors).as("the writer stays failed").isInstanceOf(IOException.class);
        assertThat(metrics.getNumRecordsOutErrorsCounter().getCount()).isEqualTo(2);
    }

    /** A mailbox that keeps its mails for the test to run. */
    private static final class QueuedMailbox implements MailboxExecutor {
        final Queue<ThrowingRunnable<? extends Exception>> mails = new ArrayDeque<>();

        @Override
        public void execute(
                MailOptions options,
                ThrowingRunnable<? extends Exception> command,
                String descriptionFormat,
                Object... descriptionArgs) {
            mails.add(command);
        }

        @Override
        public void yield() {}

        @Override
        public boolean tryYield() {
            return false;
        }

        @Override
        public boolean shouldInterrupt() {
            return false;
        }
    }
}
