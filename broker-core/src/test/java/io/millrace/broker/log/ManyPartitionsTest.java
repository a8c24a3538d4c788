package io.millrace.broker.log;

import static io.millrace.broker.log.CompactionFixture.compacted;
import static io.millrace.broker.log.CompactionFixture.latest;
import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.await;
import static io.millrace.broker.log.TestLogs.awaitDurable;
import static io.millrace.broker.log.TestLogs.config;
import static io.millrace.broker.log.TestLogs.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.log.TestBatches.Entry;
import io.millrace.broker.server.network.ResponseEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partitions whose segment files and index mappings the node's caches close and drop all the
 * time (log.open.files.max and log.mapped.indexes.max far below what the partitions use): every
 * log operation works as with everything open, concurrently too; fetches still send with
 * sendfile; and a deleted partition stays readable until its files are deleted, never after.
 */
class ManyPartitionsTest {

    private final AtomicInteger logOpens = new AtomicInteger();

    @RegisterExtension
    final TestLogs logs = new TestLogs(1, (path, options) -> {
                if (path.getFileName().toString().endsWith(LogSegment.LOG_SUFFIX)) {
                    logOpens.incrementAndGet();
                }
                return FileChannelFactory.DEFAULT.open(path, options);
            })
            .withCleaner(new CleanerConfig(false, 1, 1 << 20, 64 * 1024, 1))
            .startedByTest();

    @Test
    void twoHundredPartitionsWithEightOpenFilesAppendReadRollRetainCompactAndRestart() throws Exception {
        logs.withCaches(8, 8).start();
        LogConfig deleting = config(
                LogConfig.SEGMENT_BYTES,
                "1024",
                LogConfig.SEGMENT_INDEX_BYTES,
                "4096",
                LogConfig.RETENTION_BYTES,
                "256");
        List<PartitionLog> plain = new ArrayList<>();
        for (int p = 0; p < 200; p++) {
            plain.add(logs.create("many", p, deleting));
        }
        List<PartitionLog> state = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            state.add(logs.create("state", p, compacted(LogConfig.SEGMENT_BYTES, "1024")));
        }
        for (int round = 0; round < 20; round++) {
            for (PartitionLog log : plain) {
                append(log, TestBatches.batch(logs.clock.milliseconds(), log.partition() + "-" + round));
            }
            for (PartitionLog log : state) {
                append(
                        log,
                        TestBatches.keyed(logs.clock.milliseconds(), "k" + round % 5, round + "@" + log.partition()));
            }
        }
        for (PartitionLog log : plain) {
            awaitDurable(log);
            assertThat(log.numberOfSegments()).isGreaterThan(1);
            assertThat(values(readAll(log))).isEqualTo(written(log.partition(), 0));
        }
        await("the descriptors of synced segments are closed", () -> logs.manager.openFiles() <= 8);
        assertThat(logs.manager.mappedIndexes()).isLessThanOrEqualTo(8);

        for (PartitionLog log : plain) {
            assertThat(log.applyRetention()).isPositive();
            int firstKept = (int) log.logStartOffset();
            assertThat(firstKept).isPositive();
            assertThat(values(readAll(log))).isEqualTo(written(log.partition(), firstKept));
        }

        logs.clock.advanceMs(CompactionFixture.SEGMENT_MS + 1);
        for (PartitionLog log : state) {
            append(log, TestBatches.keyed(logs.clock.milliseconds(), "end", "end"));
            awaitDurable(log);
        }
        Cleaner cleaner = logs.manager.cleaner().newCleaner(0);
        for (int pass = 0; pass < state.size(); pass++) {
            assertThat(logs.manager.cleaner().cleanOnce(cleaner)).isTrue();
        }
        for (PartitionLog log : state) {
            assertThat(readAll(log)).hasSize(6);
            assertThat(latest(readAll(log))).isEqualTo(compactedState(log.partition()));
        }

        logs.restart();
        for (PartitionLog before : plain) {
            PartitionLog log = logs.log("many", before.partition());
            assertThat(values(readAll(log))).isEqualTo(written(log.partition(), (int) log.logStartOffset()));
        }
        for (PartitionLog before : state) {
            assertThat(latest(readAll(logs.log("state", before.partition()))))
                    .isEqualTo(compactedState(before.partition()));
        }
        assertThat(logs.manager.openFiles()).isLessThanOrEqualTo(8);
    }

    @Test
    void concurrentReadersAndWritersSeeEveryByteWhileTheCacheClosesTheirFilesConstantly() throws Exception {
        logs.withCaches(2, 2).start();
        LogConfig small = config(LogConfig.SEGMENT_BYTES, "2048", LogConfig.SEGMENT_INDEX_BYTES, "4096");
        List<PartitionLog> partitions = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            partitions.add(logs.create("busy", p, small));
        }
        int perPartition = 400;
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger recordsChecked = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            List<PartitionLog> own = List.of(partitions.get(w), partitions.get(w + 2));
            long timestamp = logs.clock.milliseconds();
            threads.add(new Thread(() -> write(own, perPartition, timestamp, problems), "test-writer-" + w));
        }
        for (int r = 0; r < 3; r++) {
            threads.add(new Thread(() -> read(partitions, writing, recordsChecked, problems), "test-reader-" + r));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads.subList(0, 2)) {
            t.join();
        }
        for (PartitionLog log : partitions) {
            awaitDurable(log);
        }
        await("the readers checked records", () -> recordsChecked.get() > 1000 || !problems.isEmpty());
        writing.set(false);
        for (Thread t : threads) {
            t.join();
        }

        assertThat(problems).isEmpty();
        int segments = 0;
        for (PartitionLog log : partitions) {
            List<String> expected =
                    IntStream.range(0, perPartition).mapToObj(i -> "v" + i).toList();
            assertThat(values(readAll(log))).isEqualTo(expected);
            segments += log.numberOfSegments();
        }
        assertThat(logOpens.get())
                .as("segment files were closed and reopened many times")
                .isGreaterThan(2 * segments);
    }

    @Test
    void aFetchResponseSendsWithSendfileAndKeepsItsDescriptorOpenUntilSent() throws Exception {
        // No preallocation: a zero fill would keep the descriptor open (unsynced) for a moment.
        logs.withCaches(1, 1).withPreallocateBytes(0).start();
        PartitionLog fetched = logs.create("fetched", 0, config());
        PartitionLog other = logs.create("other", 0, config());
        append(fetched, TestBatches.batch(logs.clock.milliseconds(), "a", "b"));
        awaitDurable(fetched);
        append(other, TestBatches.batch(logs.clock.milliseconds(), "x"));
        awaitDurable(other);
        LogReadResult read = fetched.read(0, 1 << 20, true);
        byte[] stored = TestBatches.bytesOf(read.records());
        CachedFileChannel segment = (CachedFileChannel) fetched.activeSegment().channel();

        List<Object> pieces = ResponseEncoder.encode(
                UnpooledByteBufAllocator.DEFAULT, 7, (short) 0, fetchResponse(read.records()), (short) 11);
        try {
            FileRegion region = pieces.stream()
                    .filter(FileRegion.class::isInstance)
                    .map(FileRegion.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the records were copied, not sent with sendfile"));
            readAll(other);
            assertThat(segment.isHeld()).as("pinned by the region").isTrue();

            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            WritableByteChannel sink = Channels.newChannel(sent);
            while (region.transferred() < region.count()) {
                region.transferTo(sink, region.transferred());
            }
            assertThat(sent.toByteArray()).isEqualTo(stored);
            assertThat(TestBatches.valuesOf(read.records())).containsExactly("a", "b");
        } finally {
            pieces.forEach(ReferenceCountUtil::release);
        }
        readAll(other);
        assertThat(segment.isHeld()).as("released once the region was").isFalse();
        assertThat(pieces).noneMatch(p -> p instanceof ByteBuf b && b.refCnt() > 0);
    }

    @Test
    void aResponseThatCannotBeEncodedUnpinsTheFilesItPinned() throws Exception {
        logs.withCaches(1, 1).withPreallocateBytes(0).start();
        PartitionLog first = logs.create("fetched", 0, config());
        PartitionLog second = logs.create("fetched", 1, config());
        PartitionLog other = logs.create("other", 0, config());
        for (PartitionLog log : List.of(first, second, other)) {
            append(log, TestBatches.batch(logs.clock.milliseconds(), "v"));
            awaitDurable(log);
        }
        FileSlice readable = first.read(0, 1 << 20, true).records();
        FileSlice closed = second.read(0, 1 << 20, true).records();
        closed.channel().close();
        FetchResponseData response = new FetchResponseData()
                .setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                        .setTopic("fetched")
                        .setPartitions(List.of(
                                new FetchResponseData.PartitionData()
                                        .setPartitionIndex(0)
                                        .setRecords(readable),
                                new FetchResponseData.PartitionData()
                                        .setPartitionIndex(1)
                                        .setRecords(closed)))));

        assertThatThrownBy(() ->
                        ResponseEncoder.encode(UnpooledByteBufAllocator.DEFAULT, 7, (short) 0, response, (short) 11))
                .hasRootCauseInstanceOf(ClosedChannelException.class);

        readAll(other);
        assertThat(((CachedFileChannel) readable.channel()).isHeld())
                .as("not pinned any more")
                .isFalse();
    }

    @Test
    void aDeletedPartitionIsReadableUntilItsFilesAreDeletedAndNeverComesBack() throws Exception {
        logs.withCaches(1, 1).withPreallocateBytes(0).start();
        PartitionLog gone = logs.create("gone", 0, config(LogConfig.FILE_DELETE_DELAY_MS, "3600000"));
        PartitionLog other = logs.create("other", 0, config());
        append(gone, TestBatches.batch(logs.clock.milliseconds(), "a", "b"));
        awaitDurable(gone);
        append(other, TestBatches.batch(logs.clock.milliseconds(), "x"));
        awaitDurable(other);
        FileSlice slice = gone.read(0, 1 << 20, true).records();
        byte[] bytes = TestBatches.bytesOf(slice);
        Path dir = gone.dir();

        logs.manager.deleteLog("gone", 0);
        readAll(other);

        assertThat(dir).doesNotExist();
        assertThat(((CachedFileChannel) slice.channel()).isHeld()).isFalse();
        assertThat(TestBatches.bytesOf(slice)).as("reopened in the trash").isEqualTo(bytes);

        logs.manager.close();

        assertThatThrownBy(() -> TestBatches.bytesOf(slice)).isInstanceOf(ClosedChannelException.class);
        assertThat(dir).doesNotExist();
        try (var trash = Files.list(dir.resolveSibling(LogManager.TRASH_DIR))) {
            assertThat(trash).isEmpty();
        }
    }

    private static void write(List<PartitionLog> own, int perPartition, long timestamp, Queue<String> problems) {
        try {
            for (int i = 0; i < perPartition; i++) {
                for (PartitionLog log : own) {
                    AppendResult r = log.append(TestBatches.batch(timestamp, "v" + i), 0, AppendOrigin.CLIENT);
                    if (r.error() != Errors.NONE || r.baseOffset() != i) {
                        problems.add(log + ": append " + i + " gave " + r.error() + " at " + r.baseOffset());
                    }
                }
            }
        } catch (RuntimeException e) {
            problems.add("writer failed: " + e);
        }
    }

    /** Reads random durable ranges of random partitions; record {@code v<i>} must be at offset i. */
    private static void read(
            List<PartitionLog> partitions, AtomicBoolean writing, AtomicInteger checked, Queue<String> problems) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
            while (writing.get() && problems.isEmpty()) {
                PartitionLog log = partitions.get(random.nextInt(partitions.size()));
                long durable = log.durableOffset();
                if (durable == 0) {
                    continue;
                }
                long from = random.nextLong(durable);
                LogReadResult r = log.read(from, 1 + random.nextInt(4096), true);
                if (r.error() != Errors.NONE) {
                    problems.add(log + ": read at " + from + " gave " + r.error());
                    continue;
                }
                List<Entry> entries = TestBatches.entriesOf(r.records());
                if (entries.isEmpty() || entries.get(entries.size() - 1).offset() < from) {
                    problems.add(log + ": read at " + from + " returned nothing at or after it");
                }
                for (Entry e : entries) {
                    if (!e.value().equals("v" + e.offset())) {
                        problems.add(log + ": offset " + e.offset() + " holds " + e.value());
                    }
                    checked.incrementAndGet();
                }
            }
        } catch (Exception e) {
            problems.add("reader failed: " + e);
        }
    }

    private static FetchResponseData fetchResponse(FileSlice records) {
        return new FetchResponseData()
                .setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                        .setTopic("fetched")
                        .setPartitions(List.of(new FetchResponseData.PartitionData()
                                .setPartitionIndex(0)
                                .setRecords(records)))));
    }

    private static List<String> values(List<Entry> entries) {
        return entries.stream().map(Entry::value).toList();
    }

    /** The values appended to partition {@code p} of "many", from round {@code from} on. */
    private static List<String> written(int p, int from) {
        return IntStream.range(from, 20).mapToObj(round -> p + "-" + round).toList();
    }

    /** Latest value per key of a "state" partition once compacted: the last round of each key, then "end". */
    private static Map<String, String> compactedState(int p) {
        Map<String, String> expected = new HashMap<>();
        for (int round = 15; round < 20; round++) {
            expected.put("k" + round % 5, round + "@" + p);
        }
        expected.put("end", "end");
        return expected;
    }
}
