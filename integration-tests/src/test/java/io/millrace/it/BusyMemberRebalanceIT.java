package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A classic-group member busy between two polls (longer than the initial rebalance delay, inside
 * its {@code max.poll.interval.ms}) keeps its partitions while a second member joins: the
 * rebalance waits for it to poll again, and only then do partitions move to the newcomer. Eager
 * (range) assignment, real kafka-clients consumers; what the test checks is the order of the
 * rebalance events the consumers report, not how long anything took.
 */
class BusyMemberRebalanceIT {

    private static final String TOPIC = "busy-member";
    private static final String GROUP = "busy-member";
    private static final int PARTITIONS = 4;
    private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(30);
    /** Longer than the initial rebalance delay plus a heartbeat interval of the busy member. */
    private static final Duration BUSY_AFTER_JOIN = Duration.ofSeconds(6);

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "3000")
            .build();

    private final List<String> events = new ArrayList<>();

    @Test
    void busyMemberKeepsItsPartitionsUntilItPollsAgain() throws Exception {
        Clients.createTopic(broker.bootstrap(), TOPIC, PARTITIONS, Map.of());
        try (KafkaConsumer<byte[], byte[]> a = consumer("a")) {
            a.subscribe(List.of(TOPIC), new Recorder("a"));
            Await.until("a owns every partition", TIMEOUT, () -> {
                a.poll(Duration.ofMillis(100));
                return a.assignment().size() == PARTITIONS;
            });
            long lastPollNanos = System.nanoTime();

            // From here on a is busy: it does not poll, only its heartbeat thread runs.
            try (Member b = new Member("b")) {
                Await.until("the group rebalances for b and waits for a", TIMEOUT, () -> {
                    ConsumerGroupDescription d = describe();
                    return d.groupState() == GroupState.PREPARING_REBALANCE
                            && d.members().size() == 2;
                });
                long busyUntil = System.nanoTime() + BUSY_AFTER_JOIN.toNanos();
                while (System.nanoTime() < busyUntil) {
                    assertThat(b.owned()).as("b got nothing while a was busy").isEmpty();
                    assertThat(describe().groupState()).isEqualTo(GroupState.PREPARING_REBALANCE);
                    Await.pause();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - lastPollNanos))
                        .as("a stayed inside its max.poll.interval.ms")
                        .isLessThan(MAX_POLL_INTERVAL);

                record("a polls again");
                Await.until("a and b share the partitions", TIMEOUT, () -> {
                    a.poll(Duration.ofMillis(100));
                    return a.assignment().size() == PARTITIONS / 2 && b.owned().size() == PARTITIONS / 2;
                });
            }
        }

        List<String> seen = snapshot();
        int aPollsAgain = seen.indexOf("a polls again");
        int aRevokes = indexOfFirst(seen, "a revoked");
        int bGetsPartitions = indexOfFirst(seen, "b assigned");
        assertThat(aRevokes).as("a gave its partitions up, in %s", seen).isGreaterThan(aPollsAgain);
        assertThat(bGetsPartitions)
                .as("b got partitions only after a gave them up, in %s", seen)
                .isGreaterThan(aRevokes);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String name) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_POLL_INTERVAL.toMillis());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        return Clients.consumer(broker.bootstrap(), config);
    }

    private ConsumerGroupDescription describe() throws Exception {
        return broker.admin().describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
    }

    private synchronized void record(String event) {
        events.add(event);
    }

    private synchronized List<String> snapshot() {
        return new ArrayList<>(events);
    }

    private static int indexOfFirst(List<String> seen, String prefix) {
        for (int i = 0; i < seen.size(); i++) {
            if (seen.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** Records a member's non-empty revocations and assignments as events. */
    private final class Recorder implements ConsumerRebalanceListener {
        private final String name;
        private final Set<Integer> owned = new TreeSet<>();

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            change(partitions, false);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            change(partitions, true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            change(partitions, false);
        }

        private void change(Collection<TopicPartition> partitions, boolean assigned) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<Integer> ps = new TreeSet<>();
            partitions.forEach(tp -> ps.add(tp.partition()));
            synchronized (this) {
                if (assigned) {
                    owned.addAll(ps);
                } else {
                    owned.removeAll(ps);
                }
            }
            record(name + (assigned ? " assigned " : " revoked ") + ps);
        }

        synchronized Set<Integer> owned() {
            return new TreeSet<>(owned);
        }
    }

    /** A consumer that polls on its own thread until closed. */
    private final class Member implements AutoCloseable {
        private final Recorder recorder;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Member(String name) {
            recorder = new Recorder(name);
            KafkaConsumer<byte[], byte[]> consumer = consumer(name);
            thread = new Thread(
                    () -> {
                        try (consumer) {
                            consumer.subscribe(List.of(TOPIC), recorder);
                            while (running.get()) {
                                consumer.poll(Duration.ofMillis(100));
                            }
                        }
                    },
                    "member-" + name);
            thread.start();
        }

        Set<Integer> owned() {
            return recorder.owned();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(TIMEOUT.toMillis());
        }
    }
}
