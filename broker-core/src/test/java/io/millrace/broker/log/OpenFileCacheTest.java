package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.common.config.BrokerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded caches of open segment files and index mappings ({@link SegmentChannels},
 * {@link OpenFileCache}) and the channels that live in them ({@link CachedFileChannel}): what is
 * released when, what never is, and that every operation works across releases and renames.
 */
class OpenFileCacheTest {

    @TempDir
    Path dir;

    private final AtomicInteger failOpens = new AtomicInteger();
    private final Map<String, Integer> opens = new ConcurrentHashMap<>();
    private final FaultInjectingChannels faults = new FaultInjectingChannels();

    /** Counts opens per file name, fails the next {@link #failOpens} with the kernel's EMFILE message. */
    private final FileChannelFactory factory = (path, options) -> {
        if (failOpens.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new FileSystemException(path.toString(), null, "Too many open files");
        }
        opens.merge(path.getFileName().toString(), 1, Integer::sum);
        return faults.open(path, options);
    };

    @Test
    void keepsAtMostItsCapacityOfIdleDescriptorsAndTheHotOnesAmongThem() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 4, 4);
        List<CachedFileChannel> files = existingFiles(channels, 20);
        CachedFileChannel hot = files.get(0);

        for (int round = 0; round < 3; round++) {
            for (int i = 1; i < files.size(); i++) {
                assertThat(read(files.get(i))).isEqualTo("file-" + i);
                assertThat(read(hot)).isEqualTo("file-0");
                assertThat(channels.openFiles().size()).isLessThanOrEqualTo(4);
            }
        }

        assertThat(files.stream().filter(CachedFileChannel::isHeld).count()).isEqualTo(4);
        assertThat(hot.isHeld())
                .as("the file used between all others stays open")
                .isTrue();
        assertThat(opens.get("file-0.dat")).isEqualTo(1);
        assertThat(opens.get("file-1.dat")).isEqualTo(3);
    }

    @Test
    void neverClosesADescriptorWithUnsyncedWritesAndCatchesUpOnceTheyAreSynced() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 2, 2);
        List<CachedFileChannel> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CachedFileChannel ch = channels.create(dir.resolve("w" + i + ".log"), StandardOpenOption.CREATE_NEW);
            ch.write(ascii("data-" + i), 0);
            written.add(ch);
        }
        List<CachedFileChannel> others = existingFiles(channels, 10);
        others.forEach(OpenFileCacheTest::read);

        assertThat(written).allMatch(CachedFileChannel::isHeld);
        assertThat(others.stream().filter(CachedFileChannel::isHeld).count())
                .as("clean descriptors beyond the capacity: at most the one just used")
                .isLessThanOrEqualTo(1);

        for (CachedFileChannel ch : written) {
            ch.force(false);
        }

        assertThat(channels.openFiles().size()).isLessThanOrEqualTo(2);
        for (int i = 0; i < 5; i++) {
            assertThat(read(written.get(i))).isEqualTo("data-" + i);
        }
    }

    @Test
    void anFsyncRacingEvictionsRunsOnTheDescriptorThatWroteAndReleasesItAfterwards() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 1, 1);
        CachedFileChannel segment = channels.create(dir.resolve("a.log"), StandardOpenOption.CREATE_NEW);
        segment.write(ascii("durable"), 0);
        faults.blockForces();
        CompletableFuture<Void> fsync = CompletableFuture.runAsync(() -> {
            try {
                segment.force(false);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            await("the fsync is in progress", () -> faults.blockedForces.get() == 1);
            for (CachedFileChannel other : existingFiles(channels, 10)) {
                assertThat(read(other)).startsWith("file-");
                assertThat(segment.isHeld()).isTrue();
            }
        } finally {
            faults.releaseForces();
        }
        fsync.get(10, TimeUnit.SECONDS);

        assertThat(faults.logForces.get()).isEqualTo(1);
        assertThat(opens.get("a.log"))
                .as("the write and the fsync used one descriptor")
                .isEqualTo(1);
        read(existingFiles(channels, 1).get(0));
        assertThat(segment.isHeld()).as("clean now, so the cache may close it").isFalse();
        assertThat(read(segment)).isEqualTo("durable");
    }

    @Test
    void aReadWhoseDescriptorIsClosedUnderItRetriesOnAReopenedOne() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 1, 1);
        CachedFileChannel segment = channels.create(dir.resolve("r.log"), StandardOpenOption.CREATE_NEW);
        segment.write(ascii("read me"), 0);
        segment.force(false);
        faults.blockReads();
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            ByteBuffer b = ByteBuffer.allocate(7);
            try {
                segment.read(b, 0);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            return new String(b.array(), StandardCharsets.US_ASCII);
        });
        try {
            await("the read is in progress", () -> faults.blockedReads.get() == 1);
            read(existingFiles(channels, 1).get(0));
            assertThat(segment.isHeld()).as("closed under the read").isFalse();
        } finally {
            faults.releaseReads();
        }

        assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo("read me");
        assertThat(opens.get("r.log")).isEqualTo(2);
    }

    @Test
    void aPinnedDescriptorStaysOpenUntilUnpinnedAndCloseWaitsForTheLastPin() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 1, 1);
        CachedFileChannel pinned = existingFiles(channels, 1).get(0);
        FileChannel jdk = pinned.pin();

        existingFiles(channels, 5).forEach(OpenFileCacheTest::read);
        assertThat(pinned.isHeld()).isTrue();

        pinned.close();
        assertThat(jdk.isOpen()).as("a send in progress keeps its descriptor").isTrue();
        assertThatThrownBy(() -> read(pinned)).hasRootCauseInstanceOf(ClosedChannelException.class);

        pinned.unpin();
        assertThat(jdk.isOpen()).isFalse();
        assertThat(channels.openFiles().size()).isLessThanOrEqualTo(1);
    }

    @Test
    void readsFollowTheSegmentsRenameToDeletedAfterItsDescriptorWasClosedUntilItIsDeleted() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 1, 1);
        LogSegment segment = LogSegment.create(dir, 0, TestLogs.config(), channels);
        ByteBuffer batch = TestBatches.batch(1000, "a", "b");
        byte[] bytes = TestBatches.bytesOf(batch);
        segment.append(batch, 0, 1000, 1000, 4096);
        segment.channel().force(false);
        read(existingFiles(channels, 1).get(0));
        assertThat(segment.channel())
                .isInstanceOfSatisfying(
                        CachedFileChannel.class, ch -> assertThat(ch.isHeld()).isFalse());

        segment.renameToDeleted();

        assertThat(segment.logFile().getFileName().toString()).endsWith(".log" + LogSegment.DELETED_SUFFIX);
        assertThat(segment.readBytes(0, bytes.length).array()).isEqualTo(bytes);
        segment.closeAndDelete();
        assertThatThrownBy(() -> segment.readBytes(0, bytes.length)).isInstanceOf(ClosedChannelException.class);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("file-0.dat");
        }
    }

    @Test
    void aReopenNeverCreatesAFileThatWasDeleted() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 1, 1);
        List<CachedFileChannel> files = existingFiles(channels, 2);
        CachedFileChannel gone = files.get(0);
        assertThat(read(gone)).isEqualTo("file-0");
        Files.delete(gone.file());
        assertThat(read(gone))
                .as("the open descriptor still reads the unlinked file")
                .isEqualTo("file-0");
        read(files.get(1));

        assertThatThrownBy(() -> read(gone)).hasRootCauseInstanceOf(NoSuchFileException.class);
        assertThat(gone.file()).doesNotExist();
    }

    @Test
    void outOfDescriptorsClosesIdleOnesAndRetriesOnceThenNamesTheLimitAndTheSetting() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 8, 8);
        List<CachedFileChannel> files = existingFiles(channels, 10);
        for (int i = 0; i < 8; i++) {
            read(files.get(i));
        }
        assertThat(channels.openFiles().size()).isEqualTo(8);

        failOpens.set(1);
        assertThat(read(files.get(8))).isEqualTo("file-8");
        assertThat(channels.openFiles().size())
                .as("two idle descriptors closed to make room")
                .isEqualTo(8 - 2 + 1);

        failOpens.set(2);
        assertThatThrownBy(() -> files.get(9).size())
                .isInstanceOf(ResourceLimitException.class)
                .hasMessageContaining("ulimit -n")
                .hasMessageContaining(BrokerConfig.LOG_OPEN_FILES_MAX + "=8")
                .hasMessageContaining("file-9.dat");
        assertThat(read(files.get(9)))
                .as("fine again once descriptors are available")
                .isEqualTo("file-9");
    }

    @Test
    void outOfMappingsDropsCachedMappingsAndRetriesOnceThenNamesTheLimitAndTheSetting() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 8, 8);
        for (int i = 0; i < 4; i++) {
            OffsetIndex index = new OffsetIndex(dir.resolve(i + ".index"), 0, channels);
            index.openForAppend(1024, true);
            index.append(5, 100);
            assertThat(index.lookup(7)).isEqualTo(100);
        }
        assertThat(channels.mappedIndexes().size()).isEqualTo(4);
        Path file = dir.resolve("mapped.log");
        Files.write(file, new byte[64]);

        try (FileChannel ch = faults.open(file, StandardOpenOption.READ)) {
            faults.failMaps.set(1);
            assertThat(channels.map(ch, FileChannel.MapMode.READ_ONLY, 64, file).capacity())
                    .isEqualTo(64);
            assertThat(channels.mappedIndexes().size()).isEqualTo(3);

            faults.failMaps.set(2);
            assertThatThrownBy(() -> channels.map(ch, FileChannel.MapMode.READ_ONLY, 64, file))
                    .isInstanceOf(ResourceLimitException.class)
                    .hasMessageContaining("vm.max_map_count")
                    .hasMessageContaining(BrokerConfig.LOG_MAPPED_INDEXES_MAX + "=8");
        }
    }

    @Test
    void aNewSegmentMapsItsIndexesOnlyWhenFirstUsedAndAnIdleOneHoldsNothing() throws Exception {
        SegmentChannels channels = new SegmentChannels(factory, 1, 2);
        LogSegment segment = LogSegment.create(dir, 0, TestLogs.config(), channels);
        assertThat(channels.mappedIndexes().size()).isZero();
        for (int i = 0; i < 20; i++) {
            ByteBuffer batch = TestBatches.batch(1000 + i, "value-" + i);
            BatchHeader.setBaseOffset(batch, batch.position(), i);
            segment.append(batch, i, 1000 + i, 1000, 0);
        }
        assertThat(channels.mappedIndexes().size()).isEqualTo(2);
        segment.channel().force(false);
        LogSegment other = LogSegment.create(dir, 100, TestLogs.config(), channels);
        other.append(TestBatches.batch(5000, "x"), 100, 5000, 1000, 0);
        other.append(TestBatches.batch(5000, "y"), 101, 5000, 1000, 0);
        other.channel().force(false);

        assertThat(segment.channel())
                .isInstanceOfSatisfying(
                        CachedFileChannel.class, ch -> assertThat(ch.isHeld()).isFalse());
        assertThat(channels.openFiles().size()).isEqualTo(1);
        assertThat(channels.mappedIndexes().size()).isEqualTo(2);
        assertThat(segment.offsetIndex().lookup(15)).isPositive();
        assertThat(segment.timeIndex().lookup(1010)).isEqualTo(10);
        assertThat(channels.mappedIndexes().size()).isEqualTo(2);
        BatchHeader header = BatchHeader.forThread();
        assertThat(segment.locate(header, 17, segment.size())).isPositive();
        assertThat(header.baseOffset()).isEqualTo(17);
    }

    /** {@code n} existing files {@code file-<i>.dat} holding "file-i", as channels not yet opened. */
    private List<CachedFileChannel> existingFiles(SegmentChannels channels, int n) throws IOException {
        List<CachedFileChannel> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path file = dir.resolve("file-" + i + ".dat");
            if (!Files.exists(file)) {
                Files.writeString(file, "file-" + i);
            }
            out.add(channels.existing(file));
        }
        return out;
    }

    private static String read(CachedFileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate((int) ch.size());
            while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
                // read on
            }
            return new String(b.array(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
