package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.RawKafkaConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker never dies from bad input: random bytes, truncated and oversized frames, valid
 * headers of every API key and version with garbage bodies, half-written requests and floods of
 * connections, all over plain sockets. After each kind of abuse the broker process is alive and
 * serves a normal producer and consumer. Each phase runs for a bounded time (about a minute in
 * all); the seed is printed so a failing run can be repeated.
 */
class ProtocolFuzzIT {

    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final Duration PHASE = Duration.ofSeconds(15);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    private static final long SEED = Long.getLong("millrace.fuzz.seed", System.nanoTime());
    private static final AtomicInteger ROUND_TRIPS = new AtomicInteger();

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("socket.request.max.bytes", String.valueOf(MAX_REQUEST_BYTES))
            .build();

    private final Random random = new Random(SEED);

    @BeforeAll
    static void printSeedAndCreateTopic() {
        System.out.println("ProtocolFuzzIT seed: " + SEED + " (rerun with -Dmillrace.fuzz.seed=" + SEED + ")");
        Clients.createTopic(broker.bootstrap(), "fuzz-target", 2, Map.of());
    }

    @AfterEach
    void brokerStillServesClients() {
        assertThat(broker.isAlive())
                .as("broker process alive after fuzzing (seed " + SEED + ")")
                .isTrue();
        String topic = "after-fuzz";
        String text = "still serving " + ROUND_TRIPS.incrementAndGet();
        RecordMetadata written;
        try {
            written = Clients.sendText(broker.bootstrap(), topic, text);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("Produce after fuzzing failed (seed " + SEED + ")", e);
        }
        assertThat(Clients.readText(
                        broker.bootstrap(), new TopicPartition(topic, 0), written.offset(), Duration.ofSeconds(30)))
                .as("the record produced after fuzzing")
                .isEqualTo(text);
    }

    @Test
    void survivesRandomBytesAndRandomFrames() {
        long deadline = deadline(PHASE);
        while (System.nanoTime() - deadline < 0) {
            byte[] garbage = randomBytes(1 + random.nextInt(4096));
            if (garbage.length >= 4 && random.nextBoolean()) {
                // a plausible size prefix, so the garbage reaches the request parser
                ByteBuffer.wrap(garbage).putInt(0, garbage.length - 4);
            }
            sendAndClose(garbage, random.nextBoolean());
        }
    }

    @Test
    void survivesTruncatedFramesAndPartialWritesThenClose() {
        List<ByteBuffer> requests = validRequests();
        long deadline = deadline(PHASE);
        int n = 0;
        while (System.nanoTime() - deadline < 0) {
            ByteBuffer payload = requests.get(n++ % requests.size());
            byte[] body = new byte[payload.remaining()];
            payload.duplicate().get(body);
            int cut = 1 + random.nextInt(Math.max(1, body.length - 1));
            ByteBuffer frame;
            switch (random.nextInt(3)) {
                case 0: // the size announces the whole request, but the connection closes part way
                    frame = ByteBuffer.allocate(4 + cut).putInt(body.length).put(body, 0, cut);
                    break;
                case 1: // a complete frame holding only the start of a request
                    frame = ByteBuffer.allocate(4 + cut).putInt(cut).put(body, 0, cut);
                    break;
                default: // a frame announcing more than is ever sent
                    frame = ByteBuffer.allocate(4 + body.length)
                            .putInt(body.length + 1 + random.nextInt(1000))
                            .put(body);
                    break;
            }
            sendAndClose(frame.array(), random.nextBoolean());
        }
        // Also cut the 4-byte size prefix itself.
        for (int k = 1; k < 4; k++) {
            sendAndClose(new byte[k], false);
        }
    }

    @Test
    void closesConnectionsThatAnnounceImpossibleFrameSizes() throws IOException {
        int[] sizes = {0x7fffffff, -1, Integer.MIN_VALUE, -4096, MAX_REQUEST_BYTES + 1, 64 * 1024 * 1024};
        for (int size : sizes) {
            try (RawKafkaConnection connection =
                    RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), SOCKET_TIMEOUT)) {
                ByteBuffer frame = ByteBuffer.allocate(4 + 64).putInt(size);
                boolean closed;
                try {
                    connection.writeRaw(frame.array());
                    closed = connection.closedByPeer();
                } catch (IOException e) {
                    closed = true;
                }
                assertThat(closed)
                        .as("connection closed by the broker after a frame size of " + size
                                + " (socket.request.max.bytes=" + MAX_REQUEST_BYTES + ")")
                        .isTrue();
            }
        }
    }

    @Test
    void survivesValidHeadersWithGarbageBodiesForEveryApiKeyAndVersion() throws Exception {
        byte[] followUp = frameOf(RawKafkaConnection.serialize(new ApiVersionsRequestData(), (short) 0, 999_999));
        long deadline = deadline(Duration.ofSeconds(20));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger sent = new AtomicInteger();
        int rounds = 0;
        try {
            // Every key and version at least once, then more rounds with fresh garbage while time is left.
            do {
                rounds++;
                List<Future<?>> done = new ArrayList<>();
                for (byte[] frame : garbageBodiedRequests()) {
                    done.add(pool.submit(() -> {
                        sent.incrementAndGet();
                        // The garbage request, then a valid one: whatever the broker makes of the first,
                        // it may answer or close the connection, but must not fall over.
                        try (Socket socket = connect(Duration.ofSeconds(1))) {
                            OutputStream out = socket.getOutputStream();
                            out.write(frame);
                            out.write(followUp);
                            out.flush();
                            socket.getInputStream().read(new byte[4096]);
                        } catch (IOException e) {
                            // closed, reset or no answer within the timeout: all acceptable
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(5, TimeUnit.MINUTES);
                }
            } while (System.nanoTime() - deadline < 0);
        } finally {
            pool.shutdownNow();
        }
        System.out.println("ProtocolFuzzIT: sent " + sent.get() + " garbage-bodied requests in " + rounds + " rounds");
    }

    /** For every API key and version (and one past the newest), requests with a valid header and a garbage body. */
    private List<byte[]> garbageBodiedRequests() {
        List<byte[]> frames = new ArrayList<>();
        for (ApiKeys api : ApiKeys.values()) {
            if (!api.hasValidVersion()) {
                // an API this kafka-clients no longer speaks (e.g. LeaderAndIsr): both header layouts
                for (short headerVersion = 1; headerVersion <= 2; headerVersion++) {
                    frames.add(frame(api.id, (short) 0, headerVersion, randomBytes(1 + random.nextInt(64))));
                }
                continue;
            }
            for (short version = api.oldestVersion(); version <= api.latestVersion() + 1; version++) {
                short headerVersion = headerVersion(api, version);
                frames.add(frame(api.id, version, headerVersion, randomBytes(0)));
                frames.add(frame(api.id, version, headerVersion, randomBytes(1 + random.nextInt(64))));
                frames.add(frame(api.id, version, headerVersion, randomBytes(64 + random.nextInt(512))));
            }
        }
        for (short unknown : new short[] {-1, 999, Short.MAX_VALUE, Short.MIN_VALUE}) {
            frames.add(frame(unknown, (short) 0, (short) 1, randomBytes(16)));
            frames.add(frame(unknown, (short) 0, (short) 2, randomBytes(16)));
        }
        java.util.Collections.shuffle(frames, random);
        return frames;
    }

    @Test
    void answersApiVersionsOfAnUnknownVersionWithTheSupportedRange() throws IOException {
        short unknownVersion = 99;
        try (RawKafkaConnection connection =
                RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), SOCKET_TIMEOUT)) {
            // A newer client sends its newest ApiVersions; the body layout is unknown to the broker.
            connection.writeFrame(
                    ByteBuffer.wrap(frameBody(ApiKeys.API_VERSIONS.id, unknownVersion, (short) 2, randomBytes(24), 7)));
            ByteBuffer response = ByteBuffer.wrap(connection.readFrame());
            ByteBufferAccessor accessor = new ByteBufferAccessor(response);
            ResponseHeaderData header = new ResponseHeaderData(accessor, (short) 0);
            assertThat(header.correlationId()).isEqualTo(7);
            ApiVersionsResponseData body = new ApiVersionsResponseData(accessor, (short) 0);
            assertThat(Errors.forCode(body.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            ApiVersionsResponseData.ApiVersion apiVersions = body.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(apiVersions).as("ApiVersions in the supported list").isNotNull();
            assertThat(apiVersions.maxVersion()).isGreaterThanOrEqualTo((short) 3);
        }
    }

    @Test
    void servesManyConcurrentAndPipelinedConnectionsAmongAbusiveOnes() throws Exception {
        int connections = 200;
        int pipelined = 20;
        List<Socket> idle = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            // Connections that send half a request and then just sit there.
            ByteBuffer metadata =
                    RawKafkaConnection.serialize(new MetadataRequestData().setTopics(null), (short) 12, 1);
            byte[] half = frameOf(metadata);
            for (int i = 0; i < 50; i++) {
                Socket socket = connect(SOCKET_TIMEOUT);
                socket.getOutputStream().write(half, 0, half.length / 2);
                socket.getOutputStream().flush();
                idle.add(socket);
            }
            List<Future<String>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    try (RawKafkaConnection connection =
                            RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), SOCKET_TIMEOUT)) {
                        if (id % 4 == 0) {
                            // pipelined: many requests before reading any response; answers come in order
                            for (int r = 0; r < pipelined; r++) {
                                connection.writeFrame(RawKafkaConnection.serialize(
                                        new ApiVersionsRequestData(), (short) 0, 1000 + r));
                            }
                            for (int r = 0; r < pipelined; r++) {
                                ByteBufferAccessor accessor =
                                        new ByteBufferAccessor(ByteBuffer.wrap(connection.readFrame()));
                                int correlationId = new ResponseHeaderData(accessor, (short) 0).correlationId();
                                if (correlationId != 1000 + r) {
                                    return "connection " + id + ": response " + r + " has correlation id "
                                            + correlationId;
                                }
                            }
                            return null;
                        }
                        ApiVersionsResponseData versions = connection.apiVersions();
                        if (versions.errorCode() != 0) {
                            return "connection " + id + ": ApiVersions error " + versions.errorCode();
                        }
                        return null;
                    } catch (IOException e) {
                        return "connection " + id + ": " + e;
                    }
                }));
            }
            List<String> problems = new ArrayList<>();
            for (Future<String> result : results) {
                String problem = result.get(2, TimeUnit.MINUTES);
                if (problem != null) {
                    problems.add(problem);
                }
            }
            assertThat(problems)
                    .as("well-behaved connections among " + connections + " concurrent ones")
                    .isEmpty();
        } finally {
            pool.shutdownNow();
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** Serialized valid requests of several kinds, without size prefix. */
    private List<ByteBuffer> validRequests() {
        List<ByteBuffer> requests = new ArrayList<>();
        requests.add(RawKafkaConnection.serialize(
                new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1"),
                (short) 3,
                1));
        requests.add(RawKafkaConnection.serialize(
                new MetadataRequestData()
                        .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("fuzz-target"))),
                (short) 12,
                2));
        requests.add(RawKafkaConnection.serialize(
                new CreateTopicsRequestData()
                        .setTimeoutMs(1000)
                        .setTopics(new CreateTopicsRequestData.CreatableTopicCollection(
                                List.of(new CreateTopicsRequestData.CreatableTopic()
                                                .setName("fuzz-created")
                                                .setNumPartitions(1)
                                                .setReplicationFactor((short) 1))
                                        .iterator())),
                (short) 7,
                3));
        requests.add(RawKafkaConnection.serialize(
                new ListOffsetsRequestData()
                        .setReplicaId(-1)
                        .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                                .setName("fuzz-target")
                                .setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                                        .setPartitionIndex(0)
                                        .setTimestamp(-1))))),
                (short) 7,
                4));
        SimpleRecord[] records = new SimpleRecord[20];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(
                    System.currentTimeMillis(), ("k" + i).getBytes(StandardCharsets.UTF_8), randomBytes(100));
        }
        ProduceRequestData produce = new ProduceRequestData()
                .setAcks((short) 1)
                .setTimeoutMs(5000)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                                new ProduceRequestData.TopicProduceData()
                                        .setName("fuzz-target")
                                        .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                                .setIndex(0)
                                                .setRecords(MemoryRecords.withRecords(Compression.NONE, records)))))
                        .iterator()));
        requests.add(RawKafkaConnection.serialize(produce, (short) 11, 5));
        return requests;
    }

    private static short headerVersion(ApiKeys api, short version) {
        return api.requestHeaderVersion((short) Math.min(version, api.latestVersion()));
    }

    private byte[] frame(short apiKey, short version, short headerVersion, byte[] body) {
        return frameOf(ByteBuffer.wrap(frameBody(apiKey, version, headerVersion, body, random.nextInt())));
    }

    private static byte[] frameBody(short apiKey, short version, short headerVersion, byte[] body, int correlationId) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(apiKey)
                .setRequestApiVersion(version)
                .setClientId("fuzz")
                .setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int headerSize = header.size(cache, headerVersion);
        ByteBufferAccessor writable = new ByteBufferAccessor(ByteBuffer.allocate(headerSize + body.length));
        header.write(writable, cache, headerVersion);
        writable.writeByteArray(body);
        return writable.buffer().array();
    }

    private static byte[] frameOf(ByteBuffer payload) {
        byte[] bytes = new byte[4 + payload.remaining()];
        ByteBuffer.wrap(bytes).putInt(payload.remaining()).put(payload.duplicate());
        return bytes;
    }

    private void sendAndClose(byte[] bytes, boolean waitForBroker) {
        try (Socket socket = connect(Duration.ofMillis(300))) {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            if (waitForBroker) {
                socket.getInputStream().read(new byte[4096]);
            }
        } catch (IOException e) {
            // the broker closed or reset the connection, or did not answer: all fine
        }
    }

    private static Socket connect(Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(BrokerProcess.HOST, broker.port()), (int) SOCKET_TIMEOUT.toMillis());
        socket.setSoTimeout((int) readTimeout.toMillis());
        return socket;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static long deadline(Duration budget) {
        return System.nanoTime() + budget.toNanos();
    }
}
