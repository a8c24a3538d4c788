package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Twenty thousand one-partition topics on a broker that may open 1,024 files (issue 13): the
 * broker holds no descriptor per idle partition, restarts after a clean shutdown and after
 * SIGKILL, and loses, duplicates or moves nothing.
 *
 * <p>The topics are created through the AdminClient in batches of 1,000. Every 50th topic (the
 * sample) gets a few records per write round and two of them (the busy topics, with 64 KiB
 * segments so they span many files) a few thousand, all acks=all. Each topic's records are a
 * {@link GeneratedRecords} stream of its own, so a read checks every record against what was
 * sent without remembering it. After the clean restart, and again after kill -9, the broker must
 * list every topic, take a record on a topic nobody has touched since it started (one empty, one
 * holding data) and give back every record written so far, once each, in order. The broker's open
 * descriptors are checked after every step.
 *
 * <p>{@code -DmanyTopicsIT.topics=N} runs it with fewer topics (at least 101), to try the test
 * itself on a broker that cannot hold 20,000.
 */
class ManyTopicsIT {

    private static final int OPEN_FILE_LIMIT = 1024;
    /** "Well under the limit": a quarter of it stays free for connections and bursts. */
    private static final int MOST_OPEN_FILES = OPEN_FILE_LIMIT * 3 / 4;

    private static final int TOPICS = Integer.getInteger("manyTopicsIT.topics", 20_000);
    private static final int BATCH = 1_000;
    private static final int SAMPLE_EVERY = 50;
    private static final int RECORDS_PER_SAMPLE_TOPIC = 3;
    private static final int RECORDS_PER_BUSY_TOPIC = 4_000;
    private static final Map<String, String> BUSY_TOPIC_CONFIG = Map.of("segment.bytes", "65536");
    private static final long SEED = 0x70_71C5;
    private static final long BASE_TIMESTAMP = System.currentTimeMillis() - 60_000;

    @RegisterExtension
    final MillraceBroker broker =
            MillraceBroker.builder().openFileLimit(OPEN_FILE_LIMIT).build();

    /** How many records each topic written to holds: records 0 to n - 1 of its stream. */
    private final Map<String, Long> written = new LinkedHashMap<>();

    private int mostOpenFilesSeen;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyRecordOfManyTopicsSurvivesACleanRestartAndAKill9UnderALimitOf1024OpenFiles() throws InterruptedException {
        long started = System.nanoTime();
        createEveryTopic();
        assertMetadataListsEveryTopic("after creating them");
        writeToTheSample();

        long stopping = System.nanoTime();
        broker.stop();
        System.out.printf("clean shutdown: %.1f s%n", secondsSince(stopping));
        long restartStarted = System.nanoTime();
        broker.restart();
        report("clean restart", restartStarted);
        assertOpenFilesWellUnderTheLimit("after a clean restart");
        assertMetadataListsEveryTopic("after a clean restart");
        assertAnUntouchedTopicTakesARecord(name(1), "after a clean restart");
        assertAnUntouchedTopicTakesARecord(name(SAMPLE_EVERY), "after a clean restart");
        assertEveryRecordReadsBack("after a clean restart");

        writeToTheSample();
        broker.kill9();
        restartStarted = System.nanoTime();
        broker.restart();
        report("restart after kill -9", restartStarted);
        assertOpenFilesWellUnderTheLimit("after kill -9 and restart");
        assertMetadataListsEveryTopic("after kill -9");
        assertAnUntouchedTopicTakesARecord(name(2), "after kill -9");
        assertAnUntouchedTopicTakesARecord(name(2 * SAMPLE_EVERY), "after kill -9");
        assertEveryRecordReadsBack("after kill -9");
        report("whole test, most open files seen " + mostOpenFilesSeen, started);
    }

    private void createEveryTopic() {
        long started = System.nanoTime();
        for (int first = 0; first < TOPICS; first += BATCH) {
            int last = Math.min(first + BATCH, TOPICS) - 1;
            List<NewTopic> batch = new ArrayList<>();
            for (int t = first; t <= last; t++) {
                batch.add(new NewTopic(name(t), 1, (short) 1).configs(isBusy(t) ? BUSY_TOPIC_CONFIG : Map.of()));
            }
            try {
                Clients.await(broker.admin().createTopics(batch).all());
            } catch (AssertionError e) {
                throw new AssertionError(
                        "Creating topics " + name(first) + " to " + name(last) + " (" + first + " created before)"
                                + " failed; the broker holds " + broker.openFileCount() + " open files",
                        e);
            }
            assertOpenFilesWellUnderTheLimit("after creating " + (last + 1) + " topics");
        }
        report("created " + TOPICS + " topics", started);
    }

    /** Writes the next records of every sample topic, and many more to the busy topics, with acks=all. */
    private void writeToTheSample() {
        long started = System.nanoTime();
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            for (int t = 0; t < TOPICS; t += SAMPLE_EVERY) {
                String topic = name(t);
                long from = written.getOrDefault(topic, 0L);
                long to = from + (isBusy(t) ? RECORDS_PER_BUSY_TOPIC : RECORDS_PER_SAMPLE_TOPIC);
                for (long i = from; i < to; i++) {
                    producer.send(records(topic).record(topic, i), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.incrementAndGet();
                        } else {
                            firstError.compareAndSet(null, error);
                        }
                    });
                }
                sent += to - from;
                written.put(topic, to);
            }
            producer.flush();
        }
        assertThat(firstError.get()).as("first failed send to the sample").isNull();
        assertThat(acknowledged.get()).as("acknowledged records").isEqualTo(sent);
        report("wrote " + sent + " records to " + (TOPICS + SAMPLE_EVERY - 1) / SAMPLE_EVERY + " topics", started);
        assertOpenFilesWellUnderTheLimit("after writing to the sample");
    }

    /** A topic the broker has not touched since it started takes a record at the offset after its last. */
    private void assertAnUntouchedTopicTakesARecord(String topic, String when) throws InterruptedException {
        long next = written.getOrDefault(topic, 0L);
        RecordMetadata metadata;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            metadata = producer.send(records(topic).record(topic, next)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Producing to " + topic + ", untouched " + when + ", failed: " + e, e);
        }
        assertThat(metadata.offset())
                .as("offset of the record produced to %s (holding %d records), untouched %s", topic, next, when)
                .isEqualTo(next);
        written.put(topic, next + 1);
    }

    private void assertMetadataListsEveryTopic(String when) {
        Set<String> listed = Clients.await(broker.admin().listTopics().names());
        Set<String> missing = new TreeSet<>();
        for (int t = 0; t < TOPICS; t++) {
            if (!listed.contains(name(t))) {
                missing.add(name(t));
            }
        }
        assertThat(missing.stream().limit(10).toList())
                .as("%d of %d topics missing from Metadata %s", missing.size(), TOPICS, when)
                .isEmpty();
        assertThat(listed).as("topics listed %s", when).hasSize(TOPICS);
    }

    /**
     * Reads every topic written to from its start to its end with one consumer and checks that it
     * holds exactly its records 0 to n - 1, each once, at offsets 0 to n - 1.
     */
    private void assertEveryRecordReadsBack(String when) {
        long started = System.nanoTime();
        Map<String, Long> next = new HashMap<>();
        List<String> problems = new ArrayList<>();
        List<TopicPartition> partitions = written.keySet().stream()
                .map(topic -> new TopicPartition(topic, 0))
                .toList();
        Clients.readToEnd(broker.bootstrap(), partitions, received -> {
            String topic = received.topic();
            long expected = next.getOrDefault(topic, 0L);
            if (received.offset() != expected) {
                problems.add(topic + ": expected offset " + expected + " but read " + received.offset());
            }
            String difference = records(topic).difference(received, received.offset());
            if (difference != null) {
                problems.add(difference);
            }
            next.put(topic, received.offset() + 1);
        });
        assertThat(problems.stream().limit(20).toList())
                .as("%d records read %s that are not what was written there", problems.size(), when)
                .isEmpty();
        List<String> counts = new ArrayList<>();
        written.forEach((topic, count) -> {
            long read = next.getOrDefault(topic, 0L);
            if (read != count) {
                counts.add(topic + ": read " + read + " of " + count);
            }
        });
        assertThat(counts.stream().limit(20).toList())
                .as(
                        "%d topics that gave back another number of records than were written, read %s",
                        counts.size(), when)
                .isEmpty();
        report(
                "read back "
                        + written.values().stream().mapToLong(Long::longValue).sum() + " records " + when,
                started);
        assertOpenFilesWellUnderTheLimit("after reading back " + when);
    }

    private void assertOpenFilesWellUnderTheLimit(String when) {
        int open = broker.openFileCount();
        mostOpenFilesSeen = Math.max(mostOpenFilesSeen, open);
        assertThat(open)
                .as("files the broker holds open %s, under a limit of %d", when, OPEN_FILE_LIMIT)
                .isLessThanOrEqualTo(MOST_OPEN_FILES);
    }

    private static GeneratedRecords records(String topic) {
        return new GeneratedRecords(SEED ^ topic.hashCode(), 1, BASE_TIMESTAMP);
    }

    private static boolean isBusy(int topic) {
        return topic == 0 || topic == TOPICS / 2 / SAMPLE_EVERY * SAMPLE_EVERY;
    }

    private static String name(int topic) {
        return String.format("many-%05d", topic);
    }

    private static double secondsSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private void report(String what, long startedNanos) {
        System.out.printf(
                "%s: %.1f s; the broker holds %d open files, %d threads, %d MB resident%n",
                what,
                secondsSince(startedNanos),
                broker.openFileCount(),
                broker.threadCount(),
                broker.rssBytes() / 1_000_000);
    }
}
