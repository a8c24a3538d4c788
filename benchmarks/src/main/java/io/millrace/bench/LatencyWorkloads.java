package io.millrace.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end latency, produce to consume: producers (acks=all) stamp each record with a {@link System#nanoTime()} and the consumer, in the same JVM, records
 * now minus the stamp in an HdrHistogram (microseconds). Two shapes:
 * <ul>
 *   <li>one record in flight: send, wait until it is consumed, send the next (linger.ms=0, as
 *       the default 5 ms linger would only add a constant wait to every record);</li>
 *   <li>fixed rate: records are due at a fixed interval and stamped with the time they were
 *       <em>due</em>, not the time they were sent, so a stalled broker (or client) shows up as
 *       latency instead of silently lowering the rate (no coordinated omission). The load has
 *       the shape with which the maximum rate was measured: as many producers, as many
 *       partitions, kafka-clients' defaults (linger.ms=5, batch.size=16 KB).</li>
 * </ul>
 * The first part of each run (a fifth, at most two seconds) warms up and is not recorded.
 */
final class LatencyWorkloads {

    /** Values recorded in microseconds, up to a minute, three significant digits. */
    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(1);

    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(30);
    private static final long SEND_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private LatencyWorkloads() {}

    /** Recorded latencies and the rate at which records were received during the recorded part. */
    record Latency(Histogram histogram, long received, double recordsPerSecond) {}

    static Histogram newHistogram() {
        return new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
    }

    static Latency oneInFlight(String bootstrap, String topic, int recordSize, Duration duration) {
        Histogram histogram = newHistogram();
        byte[] value = new byte[Math.max(Long.BYTES, recordSize)];
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = BenchClients.producer(
                        bootstrap,
                        "bench-latency-producer",
                        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0));
                KafkaConsumer<byte[], byte[]> consumer = BenchClients.consumer(bootstrap, "bench-latency-consumer")) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            long recordFrom = start + warmupNanos(duration);
            long end = start + duration.toNanos();
            long received = 0;
            while (System.nanoTime() - end < 0) {
                long stamp = System.nanoTime();
                ByteBuffer.wrap(value).putLong(0, stamp);
                producer.send(new ProducerRecord<>(topic, 0, null, value));
                long latency = awaitStamp(consumer, stamp);
                if (stamp - recordFrom >= 0) {
                    histogram.recordValue(Math.min(HIGHEST_TRACKABLE_MICROS, TimeUnit.NANOSECONDS.toMicros(latency)));
                    received++;
                }
            }
            double seconds = (System.nanoTime() - recordFrom) / 1e9;
            return new Latency(histogram, received, received / seconds);
        }
    }

    /** Polls until the record stamped {@code stamp} arrives; returns its latency in nanoseconds. */
    private static long awaitStamp(KafkaConsumer<byte[], byte[]> consumer, long stamp) {
        long deadline = System.nanoTime() + RECEIVE_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (ByteBuffer.wrap(r.value()).getLong(0) == stamp) {
                    return System.nanoTime() - stamp;
                }
            }
        }
        throw new IllegalStateException("A produced record was not consumed within " + RECEIVE_TIMEOUT);
    }

    /**
     * {@code producers} producers together send {@code ratePerSecond} records per second for
     * {@code duration} to a topic of {@code partitions} partitions, each producer from its own
     * thread at an equal share of the rate, interleaved; one consumer reads every partition and
     * records the latencies. Returns once every sent record has been consumed.
     */
    static Latency fixedRate(
            String bootstrap, String topic, int producers, int recordSize, Duration duration, double ratePerSecond)
            throws InterruptedException {
        Histogram histogram = newHistogram();
        long intervalNanos = Math.max(1, Math.round(1e9 * producers / ratePerSecond));
        AtomicLong sent = new AtomicLong();
        CountDownLatch sendersDone = new CountDownLatch(producers);
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<KafkaProducer<byte[], byte[]>> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(producers, ThroughputWorkloads.daemon("bench-latency"));
        try (KafkaConsumer<byte[], byte[]> consumer = BenchClients.consumer(bootstrap, "bench-latency-consumer")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            for (int i = 0; i < producers; i++) {
                KafkaProducer<byte[], byte[]> p = BenchClients.producer(
                        bootstrap, "bench-latency-producer-" + i, Map.of(ProducerConfig.ACKS_CONFIG, "all"));
                p.partitionsFor(topic);
                clients.add(p);
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            long recordFrom = start + warmupNanos(duration);
            long end = start + duration.toNanos();
            for (int k = 0; k < producers; k++) {
                KafkaProducer<byte[], byte[]> producer = clients.get(k);
                long first = start + k * intervalNanos / producers;
                pool.submit(() -> {
                    try {
                        pace(producer, topic, recordSize, first, end, intervalNanos, sent, failure);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        sendersDone.countDown();
                    }
                });
            }
            long received = 0;
            long recorded = 0;
            long lastRecordedAt = recordFrom;
            long lastProgress = System.nanoTime();
            while (sendersDone.getCount() > 0 || received < sent.get()) {
                if (failure.get() != null) {
                    throw new IllegalStateException(
                            "A produce to " + topic + " failed: " + failure.get(), failure.get());
                }
                int n = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    long due = ByteBuffer.wrap(r.value()).getLong(0);
                    n++;
                    if (due - recordFrom >= 0) {
                        histogram.recordValue(
                                Math.min(HIGHEST_TRACKABLE_MICROS, TimeUnit.NANOSECONDS.toMicros(now - due)));
                        recorded++;
                        lastRecordedAt = now;
                    }
                }
                received += n;
                if (n > 0) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > RECEIVE_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("Consumed " + received + " of " + sent.get() + " records, then"
                            + " nothing for " + RECEIVE_TIMEOUT);
                }
            }
            double seconds = Math.max(1e-9, (lastRecordedAt - recordFrom) / 1e9);
            return new Latency(histogram, recorded, recorded / seconds);
        } finally {
            pool.shutdownNow();
            for (KafkaProducer<byte[], byte[]> p : clients) {
                p.close(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * Sends one record every {@code intervalNanos} from {@code first} until {@code end}, each
     * stamped with the time it was due; records that fell due while the thread was parked or
     * blocked are sent at once, still with their due times.
     */
    private static void pace(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            int recordSize,
            long first,
            long end,
            long intervalNanos,
            AtomicLong sent,
            AtomicReference<Exception> failure) {
        byte[] value = new byte[Math.max(Long.BYTES, recordSize)];
        ByteBuffer stampView = ByteBuffer.wrap(value);
        long i = 0;
        for (long due = first; due - end < 0 && failure.get() == null; due = first + i * intervalNanos) {
            long now = System.nanoTime();
            if (due - now > 0) {
                LockSupport.parkNanos(Math.min(due - now, SEND_TICK_NANOS));
                continue;
            }
            stampView.putLong(0, due);
            producer.send(new ProducerRecord<>(topic, value), (m, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            sent.incrementAndGet();
            i++;
        }
    }

    private static long warmupNanos(Duration duration) {
        return Math.min(TimeUnit.SECONDS.toNanos(2), duration.toNanos() / 5);
    }
}
