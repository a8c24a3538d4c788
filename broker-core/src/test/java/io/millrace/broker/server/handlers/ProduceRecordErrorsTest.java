package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.replication.TopicState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Produce refused for some of its records answers, as Kafka does (KIP-467), with
 * INVALID_RECORD, the index and message of each bad record in {@code record_errors} and a summary
 * in {@code error_message} (versions 8 and later; older versions carry the code alone).
 */
class ProduceRecordErrorsTest {

    private static final String NO_KEY = "Compacted topic cannot accept message without key in topic partition state-0";

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private TopicState state;

    @BeforeEach
    void setUp() throws Exception {
        state = fixture.createTopic("state", 1, Map.of("cleanup.policy", "compact"));
    }

    @Test
    void keylessRecordsToACompactedTopicAreNamedInTheResponseAtEveryVersion() {
        ProduceHandler handler = new ProduceHandler(fixture.topics, TxnVerifier.DISABLED);
        for (short v = handler.minVersion(); v <= handler.maxVersion(); v++) {
            ProduceResponse response = (ProduceResponse)
                    WireRoundTrip.call(fixture, handler, ApiKeys.PRODUCE, request(v, "k0", null, "k2", null), v);

            PartitionProduceResponse p = response.data()
                    .responses()
                    .iterator()
                    .next()
                    .partitionResponses()
                    .get(0);
            assertThat(Errors.forCode(p.errorCode())).as("v%d", v).isEqualTo(Errors.INVALID_RECORD);
            assertThat(p.baseOffset()).as("v%d", v).isEqualTo(-1L);
            if (v >= 8) {
                assertThat(p.recordErrors())
                        .as("v%d", v)
                        .containsExactly(
                                new BatchIndexAndErrorMessage().setBatchIndex(1).setBatchIndexErrorMessage(NO_KEY),
                                new BatchIndexAndErrorMessage().setBatchIndex(3).setBatchIndexErrorMessage(NO_KEY));
                assertThat(p.errorMessage())
                        .as("v%d", v)
                        .isEqualTo("One or more records have been rejected due to 2 record errors in total, and"
                                + " only showing the first three errors at most: [RecordError(batchIndex=1,"
                                + " message='" + NO_KEY + "'), RecordError(batchIndex=3, message='" + NO_KEY + "')]");
            } else {
                assertThat(p.recordErrors())
                        .as("v%d cannot carry record errors", v)
                        .isEmpty();
            }
        }
        assertThat(state.partition(0).logEndOffset())
                .as("nothing of the refused batches was stored")
                .isZero();
    }

    private ProduceRequestData request(short version, String... keys) {
        MemoryRecordsBuilder builder =
                MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < keys.length; i++) {
            builder.append(
                    RecordBatch.NO_TIMESTAMP,
                    keys[i] == null ? null : keys[i].getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData();
        if (version >= 13) {
            td.setTopicId(state.metadata().topicId());
        } else {
            td.setName("state");
        }
        td.partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(builder.build()));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000);
        data.topicData().add(td);
        return data;
    }
}
