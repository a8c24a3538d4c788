package io.millrace.bench.jmh;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Request decoding as the broker's connection handler does it for each frame: the request header
 * ({@link RequestHeaderData}) and then the body with {@link AbstractRequest#parseRequest}, from a
 * heap buffer holding the frame (without its length prefix). Produce carries {@code partitions}
 * partitions of one 16 KB batch each; Fetch asks for {@code partitions} partitions, as a consumer
 * of a topic with that many partitions does. Both at the newest version the broker supports.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestDecodeBenchmark extends JmhRunSettings {

    private static final short PRODUCE_VERSION = 13;
    private static final short FETCH_VERSION = 18;

    @Param({"1", "4"})
    public int partitions;

    private ByteBuffer produceFrame;
    private ByteBuffer fetchFrame;

    @Setup(Level.Trial)
    public void setUp() {
        Uuid topicId = Uuid.randomUuid();
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setTopicId(topicId);
        for (int p = 0; p < partitions; p++) {
            topic.partitionData()
                    .add(new ProduceRequestData.PartitionProduceData()
                            .setIndex(p)
                            .setRecords(MemoryRecords.readableRecords(BenchBatches.batch(16, 1024))));
        }
        topics.add(topic);
        ProduceRequestData produce = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(topics);
        produceFrame = frame(ProduceRequest.builder(produce).build(PRODUCE_VERSION), ApiKeys.PRODUCE, PRODUCE_VERSION);

        Map<TopicPartition, FetchRequest.PartitionData> fetchData = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            fetchData.put(
                    new TopicPartition("bench", p),
                    new FetchRequest.PartitionData(topicId, 1_000_000L * p, 0L, 1 << 20, Optional.of(0)));
        }
        FetchRequest fetch = FetchRequest.Builder.forConsumer(FETCH_VERSION, 500, 1, fetchData)
                .setMaxBytes(50 << 20)
                .build(FETCH_VERSION);
        fetchFrame = frame(fetch, ApiKeys.FETCH, FETCH_VERSION);
    }

    private static ByteBuffer frame(AbstractRequest request, ApiKeys key, short version) {
        ByteBuffer withHeader = request.serializeWithHeader(new RequestHeader(key, version, "jmh-client", 42));
        ByteBuffer copy = ByteBuffer.allocate(withHeader.remaining());
        copy.put(withHeader).flip();
        return copy;
    }

    @Benchmark
    public AbstractRequest decodeProduce() {
        return decode(produceFrame.duplicate());
    }

    @Benchmark
    public AbstractRequest decodeFetch() {
        return decode(fetchFrame.duplicate());
    }

    /** What KafkaConnection.dispatch does with a frame before handing it to the handler. */
    private static AbstractRequest decode(ByteBuffer buffer) {
        ApiKeys key = ApiKeys.forId(buffer.getShort(0));
        short version = buffer.getShort(2);
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        RequestHeaderData header = new RequestHeaderData(accessor, key.requestHeaderVersion(version));
        if (header.correlationId() != 42) {
            throw new IllegalStateException("bad header");
        }
        return AbstractRequest.parseRequest(key, version, accessor).request;
    }
}
