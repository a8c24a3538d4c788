package io.millrace.broker.log;

import static io.millrace.broker.log.TestLogs.append;
import static io.millrace.broker.log.TestLogs.awaitDurable;

import io.millrace.broker.log.TestBatches.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The compaction tests' fixture, registered with {@code @RegisterExtension}: before each test, a
 * log manager ({@link TestLogs}) whose cleaner threads are off, so the test runs each cleaning pass
 * itself ({@link #clean()}) with a manual clock; plus helpers to write keyed records, roll segments
 * and tell which records compaction keeps.
 */
final class CompactionFixture implements BeforeEachCallback, AfterEachCallback {

    /** segment.ms of the topics: {@link #roll} lets the clock pass it. */
    static final long SEGMENT_MS = 10_000;

    static final long DELETE_RETENTION_MS = 60_000;

    final TestLogs logs = new TestLogs().withCleaner(new CleanerConfig(false, 1, 1 << 20, 64 * 1024, 1));
    /** Every record appended, in offset order. */
    final List<Entry> written = new ArrayList<>();

    Cleaner cleaner;
    private boolean rollNext;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        logs.beforeEach(context);
        cleaner = logs.manager.cleaner().newCleaner(0);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logs.afterEach(context);
    }

    /** A compacted topic's config (plus {@code keyValues} overrides), cleaned at any dirty ratio. */
    static LogConfig compacted(String... keyValues) {
        List<String> all = new ArrayList<>(List.of(
                LogConfig.CLEANUP_POLICY,
                LogConfig.POLICY_COMPACT,
                LogConfig.MIN_CLEANABLE_DIRTY_RATIO,
                "0.01",
                LogConfig.SEGMENT_MS,
                String.valueOf(SEGMENT_MS),
                LogConfig.DELETE_RETENTION_MS,
                String.valueOf(DELETE_RETENTION_MS),
                LogConfig.SEGMENT_INDEX_BYTES,
                "4096"));
        all.addAll(List.of(keyValues));
        return TestLogs.config(all.toArray(new String[0]));
    }

    PartitionLog create(String topic, LogConfig config) throws IOException {
        return logs.create(topic, 0, config);
    }

    /** Appends one batch of keyed records (key, value, ...; null value = tombstone) and waits until durable. */
    AppendResult put(PartitionLog log, String... keyValues) throws Exception {
        passRollTime();
        return put(log, TestBatches.keyed(logs.clock.milliseconds(), keyValues), keyValues);
    }

    /** Appends a prepared batch holding {@code keyValues} and waits until durable. */
    AppendResult put(PartitionLog log, ByteBuffer batch, String... keyValues) throws Exception {
        passRollTime();
        AppendResult r = append(log, batch);
        for (int i = 0; i < keyValues.length; i += 2) {
            written.add(new Entry(r.baseOffset() + i / 2, keyValues[i], keyValues[i + 1], null));
        }
        awaitDurable(log);
        return r;
    }

    /** k=v0 and k=v1 (offsets 0, 1) in the first segment, then other=x (offset 2) in the next, active one. */
    void putOverwrittenKey(PartitionLog log) throws Exception {
        put(log, "k", "v0");
        put(log, "k", "v1");
        roll();
        put(log, "other", "x");
    }

    /** The next append starts a new segment (the clock passes segment.ms first). */
    void roll() {
        rollNext = true;
    }

    private void passRollTime() {
        if (rollNext) {
            logs.clock.advanceMs(SEGMENT_MS + 1);
            rollNext = false;
        }
    }

    /** One cleaning pass, as a cleaner thread would run it; whether a log was cleaned. */
    boolean clean() {
        return logs.manager.cleaner().cleanOnce(cleaner);
    }

    /** Latest value per key (null for a tombstone), in order of first appearance. */
    static Map<String, String> latest(List<Entry> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            out.remove(e.key());
            out.put(e.key(), e.value());
        }
        return out;
    }

    /** The records of {@link #written} that are their key's newest, in offset order. */
    List<Entry> newestPerKey() {
        Map<String, Entry> newest = new LinkedHashMap<>();
        for (Entry e : written) {
            newest.remove(e.key());
            newest.put(e.key(), e);
        }
        List<Entry> out = new ArrayList<>(newest.values());
        out.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        return out;
    }

    /** Offsets, keys and values only (the codec is not part of what was written). */
    static List<Entry> withoutCodec(List<Entry> entries) {
        return entries.stream()
                .map(e -> new Entry(e.offset(), e.key(), e.value(), null))
                .toList();
    }
}
