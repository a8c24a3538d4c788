package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.BrokerProcess;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.RawKafkaConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records produced by the Java client come back from the broker byte for byte, and compressed
 * batches are stored and served with the producer's codec.
 */
class ProduceConsumeRoundTripIT {

    private static final long SEED = 0x6D696C6C72616365L;

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void millionRecordsOverSixPartitionsRoundTripByteExactWithDefaultProducer() {
        String topic = "round-trip";
        int partitions = 6;
        long total = 1_000_000;
        Clients.createTopic(broker.bootstrap(), topic, partitions, Map.of());
        GeneratedRecords records = new GeneratedRecords(SEED, partitions, System.currentTimeMillis() - 3_600_000L);

        produce(records, topic, total, Map.of());

        records.assertTopicHolds(broker.bootstrap(), topic, total);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesAreStoredAndServedWithTheProducersCodec(String codec) throws IOException {
        String topic = "compressed-" + codec;
        int partitions = 2;
        long total = 20_000;
        Clients.createTopic(broker.bootstrap(), topic, partitions, Map.of());
        GeneratedRecords records =
                new GeneratedRecords(SEED + codec.hashCode(), partitions, System.currentTimeMillis() - 3_600_000L);

        produce(
                records,
                topic,
                total,
                Map.of(
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        codec,
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        64 * 1024));

        long[] read = new long[partitions];
        List<String> mismatches = new ArrayList<>();
        Clients.readToEnd(broker.bootstrap(), topicPartitions(topic, partitions), received -> {
            String diff = records.difference(received, records.indexAt(received.partition(), received.offset()));
            if (diff != null && mismatches.size() < 20) {
                mismatches.add(diff);
            }
            read[received.partition()]++;
        });
        assertThat(mismatches).as("records that differ from what was produced").isEmpty();

        Uuid topicId;
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            topicId = Clients.await(admin.describeTopics(List.of(topic)).allTopicNames())
                    .get(topic)
                    .topicId();
        }
        CompressionType expected = CompressionType.forName(codec);
        for (int p = 0; p < partitions; p++) {
            assertThat(read[p]).as("records read from partition " + p).isEqualTo(records.countInPartition(total, p));
            List<RecordBatch> batches = fetchAllBatches(topic, topicId, p, records.countInPartition(total, p));
            assertThat(batches).as("batches of partition " + p).isNotEmpty();
            assertThat(batches)
                    .as("codec of every batch served from partition " + p)
                    .allSatisfy(batch -> {
                        assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
                        assertThat(batch.compressionType())
                                .as("codec of batch at offset " + batch.baseOffset())
                                .isEqualTo(expected);
                        assertThat(batch.isValid())
                                .as("CRC of batch at offset " + batch.baseOffset())
                                .isTrue();
                    });
            assertThat(batches)
                    .as("batches holding more than one record (so compression had something to do)")
                    .anyMatch(batch -> batch.lastOffset() > batch.baseOffset());
            assertThat(batches.stream()
                            .mapToLong(b -> b.lastOffset() - b.baseOffset() + 1)
                            .sum())
                    .as("records in the batches of partition " + p)
                    .isEqualTo(records.countInPartition(total, p));
        }
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"0", "1"})
    void recordsProducedWithoutWaitingForFsyncRoundTripByteExact(String acks) {
        String topic = "acks-" + acks;
        int partitions = 2;
        long total = 20_000;
        Clients.createTopic(broker.bootstrap(), topic, partitions, Map.of());
        GeneratedRecords records =
                new GeneratedRecords(SEED + 31 * acks.hashCode(), partitions, System.currentTimeMillis() - 3_600_000L);

        produce(
                records,
                topic,
                total,
                Map.of(
                        ProducerConfig.ACKS_CONFIG,
                        acks,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        false,
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1));

        // acks=0 gets no answer at all: wait until the broker has made every record visible.
        List<TopicPartition> tps = topicPartitions(topic, partitions);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrap())) {
            Await.until(
                    "all " + total + " records to become readable",
                    Duration.ofSeconds(60),
                    () -> consumer.endOffsets(tps).values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum()
                            >= total);
        }
        records.assertTopicHolds(broker.bootstrap(), topic, total);
    }

    @Test
    void aBatchLargerThanTheTopicsMaxMessageBytesIsRejected() throws Exception {
        String topic = "small-messages";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of("max.message.bytes", "2000"));

        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> tooLarge =
                    producer.send(new ProducerRecord<>(topic, 0, null, new byte[10_000]));
            java.util.concurrent.ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, tooLarge::get);
            assertThat(failure.getCause()).isInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);

            // The partition still takes batches within the limit.
            assertThat(producer.send(new ProducerRecord<>(topic, 0, null, new byte[100]))
                            .get()
                            .offset())
                    .isZero();
        }
    }

    @Test
    void consumerWaitingInALongPollReceivesRecordsWrittenMeanwhile() throws Exception {
        String topic = "long-poll";
        Clients.createTopic(broker.bootstrap(), topic, 1, Map.of());
        TopicPartition tp = new TopicPartition(topic, 0);
        // The broker may hold each fetch for up to two minutes; a record written meanwhile must end it.
        KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(
                broker.bootstrap(),
                Map.of(
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        120_000,
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        180_000));
        try {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofMillis(500)).isEmpty())
                    .as("records in a new topic")
                    .isTrue();

            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                producer.send(new ProducerRecord<>(topic, 0, null, GeneratedRecords.utf8("awaited")))
                        .get();
            }

            ConsumerRecord<byte[], byte[]> read = Clients.awaitRecord(
                    consumer, tp, "the record written during the long poll", Duration.ofSeconds(30));
            assertThat(new String(read.value(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("awaited");
        } finally {
            // Do not wait for the next fetch, which the broker holds for up to fetch.max.wait.ms.
            consumer.close(Duration.ZERO);
        }
    }

    private void produce(GeneratedRecords records, String topic, long total, Map<String, Object> overrides) {
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        AtomicLong failed = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), overrides)) {
            for (long i = 0; i < total && firstError.get() == null; i++) {
                producer.send(records.record(topic, i), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (firstError.get() != null) {
            throw new AssertionError(failed.get() + " sends failed; first: " + firstError.get(), firstError.get());
        }
        assertThat(acknowledged.get()).as("acknowledged records").isEqualTo(total);
    }

    /**
     * Reads a partition's batches exactly as the broker serves them, with raw Fetch requests
     * (no fetch session), from offset 0 up to {@code endOffset}.
     */
    private List<RecordBatch> fetchAllBatches(String topic, Uuid topicId, int partition, long endOffset)
            throws IOException {
        List<RecordBatch> batches = new ArrayList<>();
        try (RawKafkaConnection connection =
                RawKafkaConnection.open(BrokerProcess.HOST, broker.port(), Duration.ofSeconds(30))) {
            ApiVersionsResponseData versions = connection.apiVersions();
            ApiVersionsResponseData.ApiVersion fetch = versions.apiKeys().find(ApiKeys.FETCH.id);
            assertThat(fetch).as("Fetch in the broker's ApiVersions").isNotNull();
            // Version 12 is the newest that names topics; later ones use topic ids.
            short version = fetch.minVersion() <= 12 && fetch.maxVersion() >= 12
                    ? 12
                    : RawKafkaConnection.newestCommonVersion(versions, ApiKeys.FETCH);
            long offset = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (offset < endOffset) {
                assertThat(System.nanoTime() - deadline)
                        .as("time left to fetch " + topic + "-" + partition + " up to offset " + endOffset
                                + " (stuck at " + offset + ")")
                        .isNegative();
                FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic()
                        .setPartitions(List.of(new FetchRequestData.FetchPartition()
                                .setPartition(partition)
                                .setFetchOffset(offset)
                                .setLogStartOffset(-1)
                                .setPartitionMaxBytes(8 * 1024 * 1024)));
                if (version <= 12) {
                    fetchTopic.setTopic(topic);
                } else {
                    fetchTopic.setTopicId(topicId);
                }
                FetchRequestData request = new FetchRequestData()
                        .setMaxWaitMs(100)
                        .setMinBytes(1)
                        .setMaxBytes(16 * 1024 * 1024)
                        .setSessionId(0)
                        .setSessionEpoch(-1)
                        .setTopics(List.of(fetchTopic));
                FetchResponseData response = (FetchResponseData) connection.send(request, version);
                assertThat(response.errorCode()).as("Fetch error").isEqualTo(Errors.NONE.code());
                assertThat(response.responses()).hasSize(1);
                FetchResponseData.PartitionData data =
                        response.responses().get(0).partitions().get(0);
                assertThat(Errors.forCode(data.errorCode()))
                        .as("Fetch error of " + topic + "-" + partition)
                        .isEqualTo(Errors.NONE);
                MemoryRecords served = (MemoryRecords) data.records();
                if (served == null) {
                    continue;
                }
                for (RecordBatch batch : served.batches()) {
                    if (batch.lastOffset() < offset) {
                        continue;
                    }
                    batches.add(batch);
                    offset = batch.nextOffset();
                }
            }
        }
        return batches;
    }

    private static List<TopicPartition> topicPartitions(String topic, int partitions) {
        return IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toList());
    }
}
