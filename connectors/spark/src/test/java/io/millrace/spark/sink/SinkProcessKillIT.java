package io.millrace.spark.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.spark.TestRecords;
import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test of the exactly-once sink: a streaming query from Millrace to Millrace in a JVM
 * of its own ({@link CopyQueryMain}) is killed with SIGKILL at random points five times while input
 * keeps arriving, and restarted from its checkpoint each time; at the end a {@code read_committed}
 * reader finds every input record in the output exactly once, and no partition is held back by an
 * open transaction. The kill points are drawn from a seeded random (system property
 * {@code killTest.seed} replays a run; the seed is logged).
 */
class SinkProcessKillIT {

    private static final Logger log = LoggerFactory.getLogger(SinkProcessKillIT.class);
    private static final int KILLS = 5;
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(90);
    private static final Duration FINAL_RUN_DEADLINE = Duration.ofSeconds(150);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @Test
    void killedAtRandomPointsAndRestartedFromItsCheckpointWritesEveryInputOnce(@TempDir Path checkpoint)
            throws Exception {
        long seed = Long.getLong("killTest.seed", System.nanoTime());
        log.info("SinkProcessKillIT seed {} (replay with -DkillTest.seed={})", seed, seed);
        Random random = new Random(seed);
        Clients.createTopic(broker.bootstrap(), "killed-in", 2, Map.of());
        Clients.createTopic(broker.bootstrap(), "killed-out", 2, Map.of());

        try (InputWriter input = new InputWriter()) {
            for (int kill = 1; kill <= KILLS; kill++) {
                AtomicInteger batches = new AtomicInteger();
                try (TestJvm query = startQuery("query-" + kill, batches, checkpoint)) {
                    Await.until("a batch of run " + kill, RUN_DEADLINE, () -> batches.get() > 0 || !query.isAlive());
                    assertThat(query.isAlive()).as(query.stderrTail()).isTrue();
                    long delay = random.nextInt(4000);
                    log.info("Run {}: SIGKILL {} ms after its first batch", kill, delay);
                    Thread.sleep(delay); // a random kill point, not a wait for a condition
                    query.kill9();
                }
            }
            List<String> written = input.stop();

            AtomicInteger batches = new AtomicInteger();
            log.info("{} input records written", written.size());
            try (TestJvm query = startQuery("query-final", batches, checkpoint)) {
                Await.value(
                        "every input in the output, or the query's end",
                        FINAL_RUN_DEADLINE,
                        () -> query.isAlive()
                                ? OutputTopics.committedValues(broker.bootstrap(), "killed-out")
                                        .size()
                                : -1,
                        count -> count < 0 || count >= written.size());
                assertThat(query.isAlive()).as(query.stderrTail()).isTrue();
                assertThat(OutputTopics.committedValues(broker.bootstrap(), "killed-out"))
                        .containsExactlyInAnyOrderElementsOf(written);
                assertThat(OutputTopics.blockedPartitions(broker.bootstrap(), "killed-out"))
                        .isEmpty();
            }
        }
    }

    /** Starts {@link CopyQueryMain} with Spark's JVM options; counts the batches it reports. */
    private static TestJvm startQuery(String name, AtomicInteger batches, Path checkpoint) {
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"));
        jvmOptions.addAll(Arrays.asList(
                System.getProperty("spark.test.jvm.options", "").trim().split("\\s+")));
        return TestJvm.start(
                name,
                jvmOptions,
                System.getProperty("java.class.path"),
                CopyQueryMain.class.getName(),
                List.of(broker.bootstrap(), "killed-in", "killed-out", checkpoint.toString()),
                line -> {
                    if (line.startsWith("progress ")) {
                        batches.incrementAndGet();
                    } else if (line.startsWith("failed ")) {
                        log.error("{}: {}", name, line);
                    } else if (line.contains("ExactlyOnceStreamingWrite")) {
                        // what the run's start recovered
                        log.info("{}: {}", name, line);
                    }
                });
    }

    /** Writes input records {@code in-<n>} in small bursts on a thread of its own until stopped. */
    private static final class InputWriter implements AutoCloseable {

        private final List<String> written = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "kill-test-input");

        InputWriter() {
            thread.start();
        }

        private void run() {
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
                int next = 0;
                while (running.get()) {
                    List<String> burst = new ArrayList<>();
                    List<Future<RecordMetadata>> acks = new ArrayList<>();
                    for (int i = 0; i < 5; i++, next++) {
                        String text = "in-" + next;
                        acks.add(producer.send(new ProducerRecord<>("killed-in", TestRecords.bytes(text))));
                        burst.add(text);
                    }
                    for (Future<RecordMetadata> ack : acks) {
                        ack.get();
                    }
                    synchronized (written) {
                        written.addAll(burst);
                    }
                    Thread.sleep(100); // the pace of the input, not a wait
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("Writing the input failed", e);
            }
        }

        /** Stops writing; every record written, each acknowledged. */
        List<String> stop() throws InterruptedException {
            running.set(false);
            thread.join();
            synchronized (written) {
                return List.copyOf(written);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
