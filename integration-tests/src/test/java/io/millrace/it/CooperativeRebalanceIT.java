package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental rebalancing: with the classic protocol and the cooperative-sticky assignor, and with
 * the KIP-848 consumer protocol (server-side uniform assignor), a member joining or leaving makes
 * the others give up only the partitions that move to someone else; every other partition stays
 * assigned (and keeps being consumed) throughout. Revocations and assignments are observed through
 * the consumers' rebalance listeners.
 */
class CooperativeRebalanceIT {

    private static final int PARTITIONS = 6;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "0")
            .build();

    private final List<Member> members = new ArrayList<>();

    @AfterEach
    void closeMembers() {
        members.forEach(Member::close);
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void joiningAndLeavingMembersOnlyMovePartitionsThatChangeOwner(String protocol) {
        String topic = "incremental-" + protocol;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of());
        Member a = start("a", protocol, topic);
        awaitBalanced(List.of(a));

        Map<Member, Set<Integer>> before = snapshot(List.of(a));
        Member b = start("b", protocol, topic);
        awaitBalanced(List.of(a, b));
        assertOnlyMovedPartitionsWereRevoked(before, List.of(a, b));

        before = snapshot(List.of(a, b));
        Member c = start("c", protocol, topic);
        awaitBalanced(List.of(a, b, c));
        assertOnlyMovedPartitionsWereRevoked(before, List.of(a, b, c));

        before = snapshot(List.of(a, b, c));
        c.close();
        awaitBalanced(List.of(a, b));
        assertOnlyMovedPartitionsWereRevoked(before, List.of(a, b));
        assertThat(a.revokedSinceMark()).as("a gave nothing up when c left").isEmpty();
        assertThat(b.revokedSinceMark()).as("b gave nothing up when c left").isEmpty();
    }

    private Member start(String name, String protocol, String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "incremental-" + protocol);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-" + protocol);
        if (protocol.equals("classic")) {
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        }
        Member m = new Member(name, Clients.consumer(broker.bootstrap(), config), topic);
        members.add(m);
        return m;
    }

    /** Waits until the members own all partitions, none twice, balanced to within one. */
    private static void awaitBalanced(List<Member> group) {
        Await.until("partitions balanced over " + group, TIMEOUT, () -> {
            Set<Integer> union = new HashSet<>();
            int total = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (Member m : group) {
                Set<Integer> owned = m.owned();
                union.addAll(owned);
                total += owned.size();
                min = Math.min(min, owned.size());
                max = Math.max(max, owned.size());
            }
            return union.size() == PARTITIONS && total == PARTITIONS && max - min <= 1;
        });
    }

    private static Map<Member, Set<Integer>> snapshot(List<Member> group) {
        Map<Member, Set<Integer>> out = new HashMap<>();
        for (Member m : group) {
            out.put(m, m.owned());
            m.mark();
        }
        return out;
    }

    /**
     * Every partition a member gave up now belongs to another member, and nothing it still owns
     * was ever taken away in between (no revoke-and-reassign of unaffected partitions).
     */
    private static void assertOnlyMovedPartitionsWereRevoked(Map<Member, Set<Integer>> before, List<Member> after) {
        for (Map.Entry<Member, Set<Integer>> e : before.entrySet()) {
            Member m = e.getKey();
            if (!after.contains(m)) {
                continue; // a member that left gave everything up
            }
            Set<Integer> now = m.owned();
            Set<Integer> moved = new TreeSet<>(e.getValue());
            moved.removeAll(now);
            assertThat(m.revokedSinceMark())
                    .as("%s revoked exactly the partitions that moved away", m.name)
                    .containsExactlyInAnyOrderElementsOf(moved);
            for (Member other : after) {
                if (other != m) {
                    assertThat(other.owned()).as("no partition is owned twice").doesNotContainAnyElementsOf(now);
                }
            }
        }
    }

    /** A consumer polling on its own thread, recording what its rebalance listener is told. */
    private static final class Member implements AutoCloseable {
        final String name;
        private final Set<Integer> owned = new TreeSet<>();
        private final List<Integer> revoked = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private int mark;

        Member(String name, KafkaConsumer<byte[], byte[]> consumer, String topic) {
            this.name = name;
            this.thread = new Thread(
                    () -> {
                        try (consumer) {
                            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                                @Override
                                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                                    synchronized (Member.this) {
                                        partitions.forEach(tp -> {
                                            owned.remove(tp.partition());
                                            revoked.add(tp.partition());
                                        });
                                    }
                                }

                                @Override
                                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                                    synchronized (Member.this) {
                                        partitions.forEach(tp -> owned.add(tp.partition()));
                                    }
                                }

                                @Override
                                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                                    onPartitionsRevoked(partitions);
                                }
                            });
                            while (running.get()) {
                                consumer.poll(Duration.ofMillis(100));
                            }
                        }
                    },
                    "member-" + name);
            thread.start();
        }

        synchronized Set<Integer> owned() {
            return new TreeSet<>(owned);
        }

        synchronized void mark() {
            mark = revoked.size();
        }

        synchronized List<Integer> revokedSinceMark() {
            return new ArrayList<>(revoked.subList(mark, revoked.size()));
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return name + owned();
        }
    }
}
