package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.testing.Await;
import io.millrace.testing.Clients;
import io.millrace.testing.MillraceBroker;
import io.millrace.testing.TestJvm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three consumer processes in one group share six partitions. One is killed with SIGKILL (so it
 * never leaves the group): the broker notices only through the missed session timeout, and must
 * then hand its partitions to the survivors, which resume at its committed offsets. With commits
 * made synchronously after processing, every record of both phases is processed exactly once.
 */
class ConsumerGroupFailoverIT {

    private static final String TOPIC = "failover";
    private static final String GROUP = "failover-group";
    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_PHASE = 600;
    private static final int SESSION_TIMEOUT_MS = 10_000;
    /** Room above the session timeout for the survivors to notice, rejoin and sync, even on a busy machine. */
    private static final Duration REASSIGNMENT_MARGIN = Duration.ofSeconds(40);

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder()
            .override("group.initial.rebalance.delay.ms", "1000")
            .build();

    @Test
    void killedConsumersPartitionsMoveWithinTheSessionTimeoutAndEveryRecordIsProcessedOnce() throws Exception {
        Clients.createTopic(broker.bootstrap(), TOPIC, PARTITIONS, Map.of());
        List<GroupMemberView> members = new ArrayList<>();
        List<TestJvm> jvms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GroupMemberView view = new GroupMemberView("consumer-" + i);
            members.add(view);
            jvms.add(broker.startJvm(
                    view.name,
                    GroupConsumerMain.class,
                    List.of(broker.bootstrap(), GROUP, TOPIC, String.valueOf(SESSION_TIMEOUT_MS)),
                    view::onLine));
        }
        Await.until(
                "the six partitions spread over the three consumers",
                TIMEOUT,
                () -> coversAllPartitions(members)
                        && members.stream().allMatch(m -> !m.current().isEmpty()));

        produce("phase1", 0);
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Await.until(
                    "phase 1 processed and committed",
                    TIMEOUT,
                    () -> committedEverywhere(admin, RECORDS_PER_PHASE / PARTITIONS));
        }

        GroupMemberView victim = members.get(0);
        Set<Integer> orphaned = victim.current();
        long killedAt = System.nanoTime();
        jvms.get(0).kill9();
        produce("phase2", 1);

        List<GroupMemberView> survivors = members.subList(1, 3);
        Await.until("the survivors own all six partitions", TIMEOUT, () -> coversAllPartitions(survivors));
        long reassignedAt = firstAssignmentOfAny(survivors, orphaned, killedAt);
        Duration reassignment = Duration.ofNanos(reassignedAt - killedAt);
        System.out.println("ConsumerGroupFailoverIT: partitions " + orphaned + " of the killed consumer were "
                + "reassigned " + reassignment.toMillis() + " ms after the kill (session timeout " + SESSION_TIMEOUT_MS
                + " ms)");
        Await.until(
                "every record of both phases processed",
                TIMEOUT,
                () -> distinct(members).size() >= 2 * RECORDS_PER_PHASE);
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Await.until(
                    "phase 2 committed", TIMEOUT, () -> committedEverywhere(admin, 2 * RECORDS_PER_PHASE / PARTITIONS));
        }

        assertThat(reassignment)
                .as("reassignment of the killed consumer's partitions")
                .isLessThan(Duration.ofMillis(SESSION_TIMEOUT_MS).plus(REASSIGNMENT_MARGIN));
        List<GroupMemberView.Processed> all = new ArrayList<>();
        members.forEach(m -> all.addAll(m.processed()));
        Map<String, Integer> timesProcessed = new HashMap<>();
        all.forEach(p -> timesProcessed.merge(p.partition() + "@" + p.offset(), 1, Integer::sum));
        assertThat(timesProcessed)
                .as("records processed more than once")
                .allSatisfy((record, times) -> assertThat(times).as(record).isEqualTo(1));
        Set<String> values = new TreeSet<>();
        all.forEach(p -> values.add(p.value()));
        assertThat(values).hasSize(2 * RECORDS_PER_PHASE);
        assertThat(all).hasSize(2 * RECORDS_PER_PHASE);
        assertThat(victim.processed())
                .as("the victim did its share before the kill")
                .isNotEmpty();
    }

    private void produce(String phase, int seed) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrap())) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_PHASE; i++) {
                acks.add(producer.send(new ProducerRecord<>(
                        TOPIC, i % PARTITIONS, null, (phase + "-" + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean coversAllPartitions(List<GroupMemberView> members) {
        Set<Integer> union = new HashSet<>();
        int total = 0;
        for (GroupMemberView m : members) {
            Set<Integer> owned = m.current();
            union.addAll(owned);
            total += owned.size();
        }
        return union.size() == PARTITIONS && total == PARTITIONS;
    }

    private static boolean committedEverywhere(Admin admin, long offset) {
        Map<TopicPartition, OffsetAndMetadata> committed =
                Clients.await(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata());
        if (committed.size() < PARTITIONS) {
            return false;
        }
        return committed.values().stream().allMatch(o -> o != null && o.offset() == offset);
    }

    private static long firstAssignmentOfAny(List<GroupMemberView> members, Set<Integer> partitions, long after) {
        long first = Long.MAX_VALUE;
        for (GroupMemberView m : members) {
            for (GroupMemberView.Change c : m.changes()) {
                if (c.assigned() && c.nanos() > after && c.partitions().stream().anyMatch(partitions::contains)) {
                    first = Math.min(first, c.nanos());
                }
            }
        }
        assertThat(first).as("a survivor was assigned one of " + partitions).isNotEqualTo(Long.MAX_VALUE);
        return first;
    }

    private static Set<String> distinct(List<GroupMemberView> members) {
        Set<String> out = new HashSet<>();
        members.forEach(m -> m.processed().forEach(p -> out.add(p.partition() + "@" + p.offset())));
        return out;
    }
}
