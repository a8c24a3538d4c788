package io.millrace.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Maximum-rate workloads: several producers writing 1 KB records as fast as the broker takes
 * them, and consumers reading a topic back from the start. Each returns how many records and
 * bytes moved in how long; a failed send or a stalled read fails the workload.
 *
 * <p>Each call owns its clients and threads and closes them before it returns.
 */
final class ThroughputWorkloads {

    /** A reader that receives nothing for this long is stalled: the workload fails. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    private ThroughputWorkloads() {}

    /** Records and bytes moved, and the wall-clock time it took. */
    record Throughput(long records, long bytes, long elapsedNanos) {
        double megabytesPerSecond() {
            return bytes / 1e6 / (elapsedNanos / 1e9);
        }

        double recordsPerSecond() {
            return records / (elapsedNanos / 1e9);
        }
    }

    /**
     * {@code producers} producers, each in its own thread, send records of {@code recordSize}
     * random bytes for {@code duration}, then flush. Only acknowledged records count; the time
     * runs from the common start to the last producer's flush.
     */
    static Throughput produce(
            String bootstrap, String topic, String acks, int producers, int recordSize, Duration duration)
            throws InterruptedException {
        return produce(bootstrap, List.of(topic), acks, producers, recordSize, duration);
    }

    /** {@link #produce(String, String, String, int, int, Duration)} with producer {@code i} writing to {@code topics[i % n]}. */
    static Throughput produce(
            String bootstrap, List<String> topics, String acks, int producers, int recordSize, Duration duration)
            throws InterruptedException {
        byte[] value = new byte[recordSize];
        new Random(42).nextBytes(value);
        LongAdder acked = new LongAdder();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<KafkaProducer<byte[], byte[]>> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(producers, daemon("bench-producer"));
        try {
            for (int i = 0; i < producers; i++) {
                KafkaProducer<byte[], byte[]> p = BenchClients.producer(
                        bootstrap, "bench-producer-" + i, Map.of(ProducerConfig.ACKS_CONFIG, acks));
                clients.add(p);
                String topic = topics.get(i % topics.size());
                List<PartitionInfo> partitions = p.partitionsFor(topic); // metadata before the clock starts
                if (partitions.isEmpty()) {
                    throw new IllegalStateException("Topic " + topic + " has no partitions");
                }
            }
            List<Runnable> tasks = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                KafkaProducer<byte[], byte[]> p = clients.get(i);
                String topic = topics.get(i % topics.size());
                tasks.add(() -> {
                    long deadline = System.nanoTime() + duration.toNanos();
                    while (System.nanoTime() - deadline < 0 && failure.get() == null) {
                        p.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
                            if (e == null) {
                                acked.increment();
                            } else {
                                failure.compareAndSet(null, e);
                            }
                        });
                    }
                    p.flush();
                });
            }
            long elapsed = runTogether(pool, tasks);
            if (failure.get() != null) {
                throw new IllegalStateException(
                        "A produce to " + topics + " (acks=" + acks + ") failed: " + failure.get(), failure.get());
            }
            long records = acked.sum();
            return new Throughput(records, records * recordSize, elapsed);
        } finally {
            pool.shutdownNow();
            for (KafkaProducer<byte[], byte[]> p : clients) {
                p.close(Duration.ofSeconds(30));
            }
        }
    }

    /**
     * Reads every partition of {@code topic} from its start to the end offset it had when the
     * workload began, with {@code consumers} consumers (partitions dealt round-robin). Counts
     * records and value bytes; the time runs from the common start to the last consumer done.
     */
    static Throughput consume(String bootstrap, String topic, int consumers) throws InterruptedException {
        return consume(bootstrap, List.of(topic), consumers);
    }

    /** {@link #consume(String, String, int)} of every partition of {@code topics}. */
    static Throughput consume(String bootstrap, List<String> topics, int consumers) throws InterruptedException {
        Map<TopicPartition, Long> endOffsets;
        try (KafkaConsumer<byte[], byte[]> probe = BenchClients.consumer(bootstrap, "bench-consumer-probe")) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                probe.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            endOffsets = probe.endOffsets(partitions);
        }
        int n = Math.min(consumers, endOffsets.size());
        List<Map<TopicPartition, Long>> shares = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shares.add(new HashMap<>());
        }
        int k = 0;
        for (Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
            shares.get(k++ % n).put(e.getKey(), e.getValue());
        }
        LongAdder records = new LongAdder();
        LongAdder bytes = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(n, daemon("bench-consumer"));
        List<KafkaConsumer<byte[], byte[]>> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                KafkaConsumer<byte[], byte[]> c = BenchClients.consumer(bootstrap, "bench-consumer-" + i);
                c.assign(shares.get(i).keySet());
                c.seekToBeginning(shares.get(i).keySet());
                clients.add(c);
            }
            List<Runnable> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                KafkaConsumer<byte[], byte[]> c = clients.get(i);
                Map<TopicPartition, Long> share = shares.get(i);
                tasks.add(() -> readToEnd(c, share, records, bytes));
            }
            long elapsed = runTogether(pool, tasks);
            return new Throughput(records.sum(), bytes.sum(), elapsed);
        } finally {
            pool.shutdownNow();
            for (KafkaConsumer<byte[], byte[]> c : clients) {
                c.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            }
        }
    }

    /**
     * Starts every task at the same moment on {@code pool} and waits for all; returns the time
     * from the start to the last task's end. A task's exception is rethrown.
     */
    private static long runTogether(ExecutorService pool, List<Runnable> tasks) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> ends = new ArrayList<>();
        for (Runnable task : tasks) {
            ends.add(pool.submit(() -> {
                go.await();
                task.run();
                return System.nanoTime();
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        long end = start;
        for (Future<Long> f : ends) {
            end = Math.max(end, get(f));
        }
        return end - start;
    }

    private static void readToEnd(
            KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> ends, LongAdder records, LongAdder bytes) {
        Map<TopicPartition, Long> remaining = new HashMap<>(ends);
        remaining.values().removeIf(end -> end == 0);
        long lastProgress = System.nanoTime();
        while (!remaining.isEmpty()) {
            ConsumerRecords<byte[], byte[]> batch = c.poll(Duration.ofMillis(200));
            long n = 0;
            long b = 0;
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                n++;
                b += r.value() == null ? 0 : r.value().length;
            }
            records.add(n);
            bytes.add(b);
            if (n > 0) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException("Reading " + remaining.keySet() + " received nothing for "
                        + STALL_TIMEOUT + "; positions " + positions(c, remaining));
            }
            remaining.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        }
    }

    private static Map<TopicPartition, Long> positions(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> of) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : of.keySet()) {
            out.put(tp, c.position(tp));
        }
        return out;
    }

    static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause.toString(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("A workload thread did not finish within 10 minutes", e);
        }
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
