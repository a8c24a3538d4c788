package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.replication.TopicState;
import io.millrace.broker.server.handlers.AdminHandlerFixture.CapturingResponder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipelined transactional Produce requests of one producer are appended in the order they
 * arrived, however the coordinator's verification answers of the first ones come back: a request
 * of the now open transaction waits for older ones still being verified, and verifications
 * answered out of order append in request order. Without that, the partition refuses the
 * overtaken batch as OUT_OF_ORDER_SEQUENCE_NUMBER and the transaction fails.
 */
class ProduceTransactionalOrderTest {

    private static final long PRODUCER = 7;

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    /** Verifications the test answers when it chooses, in the order they were asked. */
    private final List<Consumer<Errors>> verifications = new ArrayList<>();

    private ProduceHandler handler;
    private TopicState topic;

    @BeforeEach
    void setUp() throws Exception {
        topic = fixture.createTopic("txn", 1, Map.of());
        handler =
                new ProduceHandler(fixture.topics, (id, producerId, epoch, partition, done) -> verifications.add(done));
    }

    @Test
    void aBatchOfTheOpenTransactionWaitsForAnOlderOneStillBeingVerified() {
        CapturingResponder first = produce(0);
        CapturingResponder second = produce(2);
        verifications.get(0).accept(Errors.NONE); // the transaction is open now
        CapturingResponder third = produce(4);
        assertThat(third.responses).as("the third waits for the second").isEmpty();

        verifications.get(1).accept(Errors.NONE);

        assertThat(List.of(answer(first), answer(second), answer(third))).containsExactly("NONE@0", "NONE@2", "NONE@4");
        assertThat(topic.partition(0).logEndOffset()).isEqualTo(6);
    }

    @Test
    void verificationsAnsweredOutOfOrderAppendInRequestOrder() {
        CapturingResponder first = produce(0);
        CapturingResponder second = produce(2);

        verifications.get(1).accept(Errors.NONE);
        assertThat(second.responses).as("the second waits for the first").isEmpty();
        verifications.get(0).accept(Errors.NONE);

        assertThat(List.of(answer(first), answer(second))).containsExactly("NONE@0", "NONE@2");
    }

    @Test
    void aRefusedVerificationLetsTheNextRequestsGoOn() {
        CapturingResponder first = produce(0);
        CapturingResponder second = produce(0);

        verifications.get(0).accept(Errors.TRANSACTION_ABORTABLE);
        verifications.get(1).accept(Errors.NONE);

        assertThat(List.of(answer(first), answer(second))).containsExactly("TRANSACTION_ABORTABLE@-1", "NONE@0");
    }

    /** Sends a Produce (v12, acks=1) of two transactional records of the producer from {@code sequence}. */
    private CapturingResponder produce(int sequence) {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(
                Compression.NONE,
                PRODUCER,
                (short) 0,
                sequence,
                new SimpleRecord(("v" + sequence).getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(("v" + (sequence + 1)).getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName("txn");
        topicData
                .partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        ProduceRequestData data =
                new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000).setTransactionalId("tx");
        data.topicData().add(topicData);
        short version = 12;
        ProduceRequest request = WireRoundTrip.request(ApiKeys.PRODUCE, data, version);
        CapturingResponder responder = new CapturingResponder(version);
        handler.handle(fixture.context(request), request, responder);
        return responder;
    }

    /** "ERROR@baseOffset" of the one partition in the request's response. */
    private static String answer(CapturingResponder responder) {
        PartitionProduceResponse partition = ((ProduceResponseData) responder.single())
                .responses()
                .iterator()
                .next()
                .partitionResponses()
                .get(0);
        return Errors.forCode(partition.errorCode()).name() + "@" + partition.baseOffset();
    }
}
