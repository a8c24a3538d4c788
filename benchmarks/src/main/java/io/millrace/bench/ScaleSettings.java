package io.millrace.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of the scale workload does ({@code ./millrace bench --scale}); the command line may
 * change any field (see {@link BenchMain}).
 *
 * @param topics          one-partition topics to create on each broker
 * @param batchSize       topics per CreateTopics request
 * @param openFileLimit   {@code ulimit -n} of every broker JVM (soft and hard)
 * @param brokers         broker configurations, in session order
 * @param jvmFlags        heap and GC flags of every broker JVM
 * @param busyTopics      one-partition topics of the throughput check
 * @param producers       producer clients of the throughput check
 * @param consumers       consumer clients of the throughput check
 * @param recordSize      bytes of each record value of the throughput check
 * @param produceDuration length of each produce of the throughput check
 * @param stepTimeout     the longest one step may take: a CreateTopics batch, a shutdown, a restart
 *                        until Metadata serves every topic
 * @param outDir          where the report files go
 * @param name            base name of the report files
 * @param workDir         where broker data directories and logs live during the run
 */
record ScaleSettings(
        int topics,
        int batchSize,
        int openFileLimit,
        List<BrokerSetup> brokers,
        List<String> jvmFlags,
        int busyTopics,
        int producers,
        int consumers,
        int recordSize,
        Duration produceDuration,
        Duration stepTimeout,
        Path outDir,
        String name,
        Path workDir) {

    /** The figure: 100,000 topics on one node. */
    static final int DEFAULT_TOPICS = 100_000;

    /** Topics created (and measured) before the rest, for the baseline figures. */
    static final int FIRST_TOPICS = 10;

    /**
     * The harness's broker flags with a 2 GB heap: the bound on the heap, so a broker that
     * needs more fails here rather than being measured with more.
     */
    static final List<String> DEFAULT_JVM_FLAGS = withHeap(BenchSettings.DEFAULT_JVM_FLAGS, "2g");

    /**
     * A run's settings while the command line changes them field by field; {@link #build} makes
     * the record. {@code name} stays null until chosen. Not thread-safe.
     */
    static final class Builder {
        int topics = DEFAULT_TOPICS;
        int batchSize = 1_000;
        int openFileLimit = 1_024;
        List<BrokerSetup> brokers = List.of(BrokerSetup.KAFKA, BrokerSetup.MILLRACE);
        List<String> jvmFlags = DEFAULT_JVM_FLAGS;
        int busyTopics = 4;
        int producers = 4;
        int consumers = 4;
        int recordSize = 1024;
        Duration produceDuration = Duration.ofSeconds(10);
        Duration stepTimeout = Duration.ofMinutes(10);
        Path outDir;
        String name;
        Path workDir;

        Builder(Path outDir, Path workDir) {
            this.outDir = outDir;
            this.workDir = workDir;
        }

        ScaleSettings build() {
            if (topics <= FIRST_TOPICS) {
                throw new IllegalArgumentException("--topics must be above " + FIRST_TOPICS + ", not " + topics);
            }
            return new ScaleSettings(
                    topics,
                    batchSize,
                    openFileLimit,
                    List.copyOf(brokers),
                    List.copyOf(jvmFlags),
                    busyTopics,
                    producers,
                    consumers,
                    recordSize,
                    produceDuration,
                    stepTimeout,
                    outDir,
                    name,
                    workDir);
        }
    }

    private static List<String> withHeap(List<String> flags, String heap) {
        List<String> out = new ArrayList<>();
        for (String flag : flags) {
            if (flag.startsWith("-Xms")) {
                out.add("-Xms" + heap);
            } else if (flag.startsWith("-Xmx")) {
                out.add("-Xmx" + heap);
            } else {
                out.add(flag);
            }
        }
        return List.copyOf(out);
    }
}
