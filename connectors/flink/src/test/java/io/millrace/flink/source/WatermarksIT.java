package io.millrace.flink.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.source.enumerator.initializer.OffsetsInitializer;
import io.millrace.flink.source.reader.deserializer.MillraceRecordDeserializationSchema;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event time through the source on a real broker: per-partition watermarks, idleness and
 * split-level watermark alignment behave as with Flink's Kafka source. Every element is
 * {@code "<partition>:<record timestamp>"}; the record timestamp is the event time.
 */
class WatermarksIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final long SECOND = 1000;

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    static final MiniClusterExtension flink = FlinkTestClusters.extension();

    /**
     * Partition 1 covers the same event time as partition 0 with a tenth of the records. Read
     * without alignment it would reach its end while partition 0 is a tenth of the way; aligned
     * (max drift 60 s) the reader pauses it whenever it runs ahead, so its last record comes out
     * only once partition 0 has come most of the way.
     */
    @Test
    void aFastPartitionWaitsForTheSlowOneUnderSplitWatermarkAlignment() throws Exception {
        String topic = "aligned";
        int slowRecords = 100_000;
        int fastRecords = slowRecords / 10;
        long end = slowRecords * SECOND;
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap(), smallBatches())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (long i = 0; i < slowRecords; i++) {
                sent.add(send(producer, topic, 0, i * SECOND));
            }
            for (long i = 0; i < fastRecords; i++) {
                sent.add(send(producer, topic, 1, i * 10 * SECOND));
            }
            for (Future<RecordMetadata> each : sent) {
                each.get();
            }
        }

        StreamExecutionEnvironment env = environment();
        env.fromSource(
                        source(topic, Map.of("max.partition.fetch.bytes", "4096", "max.poll.records", "100")),
                        WatermarkStrategy.<String>forMonotonousTimestamps()
                                .withWatermarkAlignment("partitions", Duration.ofSeconds(60), Duration.ofMillis(20)),
                        "millrace")
                .sinkTo(CollectingSink.named(topic));
        JobClient job = env.executeAsync(topic);
        Await.until(
                "every record of both partitions",
                DEADLINE,
                () -> CollectingSink.received(topic).size() == slowRecords + fastRecords);
        job.cancel().get(30, TimeUnit.SECONDS);

        List<String> received = CollectingSink.received(topic);
        long slowProgressAtFastEnd = -1;
        for (String element : received) {
            if (element.startsWith("0:")) {
                slowProgressAtFastEnd = Long.parseLong(element.substring(2));
            } else if (element.equals("1:" + (fastRecords - 1L) * 10 * SECOND)) {
                break;
            }
        }
        // Unaligned, both partitions are read at about the same record rate, so partition 0 would be
        // near end / 10 here. Aligned, partition 1 runs ahead between two alignment checks (every
        // 20 ms; how far depends on the machine's speed): runs here ended between 0.6 and 1.0 of
        // end, so 0.3 is far from both.
        assertThat(slowProgressAtFastEnd)
                .as("event time of partition 0 when partition 1's last record came out")
                .isGreaterThan(end * 3 / 10);
    }

    /**
     * Partition 1 gets one early record and then stays silent. Its watermark would hold back the
     * event-time windows over partition 0 forever; marked idle after 300 ms, it no longer does.
     */
    @Test
    void aSilentPartitionMarkedIdleNoLongerHoldsBackEventTimeWindows() throws Exception {
        String topic = "idle";
        Clients.createTopic(broker.bootstrap(), topic, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            send(producer, topic, 1, 0).get();
            for (long i = 0; i < 100; i++) {
                send(producer, topic, 0, i * SECOND).get();
            }
        }

        StreamExecutionEnvironment env = environment();
        env.fromSource(
                        source(topic, Map.of()),
                        WatermarkStrategy.<String>forMonotonousTimestamps().withIdleness(Duration.ofMillis(300)),
                        "millrace")
                .windowAll(TumblingEventTimeWindows.of(Duration.ofSeconds(10)))
                .process(new CountPerWindow())
                .sinkTo(CollectingSink.named(topic));
        JobClient job = env.executeAsync(topic);
        // windows [0, 10 s) .. [80 s, 90 s) close once partition 0's watermark passes 90 s
        Await.until(
                "nine closed event-time windows",
                DEADLINE,
                () -> CollectingSink.received(topic).size() >= 9);
        job.cancel().get(30, TimeUnit.SECONDS);

        assertThat(CollectingSink.received(topic).subList(0, 9))
                .containsExactly(
                        "0=11",
                        "10000=10",
                        "20000=10",
                        "30000=10",
                        "40000=10",
                        "50000=10",
                        "60000=10",
                        "70000=10",
                        "80000=10");
    }

    private static StreamExecutionEnvironment environment() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(20));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        return env;
    }

    private static MillraceSource<String> source(String topic, Map<String, String> properties) {
        MillraceSourceBuilder<String> builder = MillraceSource.<String>builder()
                .setBootstrapServers(broker.bootstrap())
                .setTopics(topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(MillraceRecordDeserializationSchema.of(
                        Types.STRING, record -> record.partition() + ":" + record.timestamp()));
        properties.forEach(builder::setProperty);
        return builder.build();
    }

    private static Future<RecordMetadata> send(
            KafkaProducer<byte[], byte[]> producer, String topic, int partition, long timestamp) {
        return producer.send(new ProducerRecord<>(topic, partition, timestamp, null, new byte[8]));
    }

    /** Batches of about 40 records, so a fetch capped at 4 KiB returns few records per partition. */
    private static Map<String, Object> smallBatches() {
        return Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 1024, ProducerConfig.LINGER_MS_CONFIG, 5);
    }

    /** Emits {@code "<window start>=<element count>"} per closed window. */
    private static final class CountPerWindow extends ProcessAllWindowFunction<String, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Context context, Iterable<String> elements, Collector<String> out) {
            int count = 0;
            for (String ignored : elements) {
                count++;
            }
            out.collect(context.window().getStart() + "=" + count);
        }
    }
}
