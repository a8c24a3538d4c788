package io.millrace.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one harness run does. {@link #quick} and {@link #full} are the two documented modes; the
 * command line may change any field (see {@link BenchMain}).
 *
 * @param mode             "quick" or "full" (recorded in the report)
 * @param rounds           how many times every broker runs every workload (A B C A B C ...)
 * @param warmup           each of the two unmeasured produces (acks=1, acks=all) that start a broker session
 * @param produceDuration  length of each producer-throughput workload
 * @param latencyDuration  length of each latency workload
 * @param producers        producer clients (threads) of the throughput workloads
 * @param consumers        consumer clients (threads) reading back
 * @param partitions       partitions of the throughput topics (latency topics have one)
 * @param recordSize       bytes of each record value
 * @param brokers          broker configurations in session order; the first is the reference whose
 *                         acks=all throughput sets the fixed latency rate
 * @param jvmFlags         heap and GC flags given to every broker JVM
 * @param outDir           where the report files go
 * @param name             base name of the report files
 * @param workDir          where broker data directories and logs live during the run
 * @param profile          record a JFR profile of every Millrace workload (perturbs the figures)
 * @param fixedRate        records/s of the fixed-rate latency workload; 0 derives it from the
 *                         reference broker's throughput
 */
record BenchSettings(
        String mode,
        int rounds,
        Duration warmup,
        Duration produceDuration,
        Duration latencyDuration,
        int producers,
        int consumers,
        int partitions,
        int recordSize,
        List<BrokerSetup> brokers,
        List<String> jvmFlags,
        Path outDir,
        String name,
        Path workDir,
        boolean profile,
        double fixedRate) {

    /** Heap and GC flags of both brokers: Kafka's production defaults from kafka-run-class.sh, 1 GB heap. */
    static final List<String> DEFAULT_JVM_FLAGS = List.of(
            "-Xms1g",
            "-Xmx1g",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    static final List<BrokerSetup> DEFAULT_BROKERS =
            List.of(BrokerSetup.KAFKA, BrokerSetup.MILLRACE, BrokerSetup.KAFKA_FSYNC);

    /** About two minutes: one round of short workloads, to prove the harness works. */
    static Builder quick(Path outDir, Path workDir) {
        return new Builder("quick", 1, Duration.ofSeconds(1), Duration.ofSeconds(2), outDir, workDir);
    }

    /** The figures to publish: three rounds of 15-second workloads (about 20 minutes). */
    static Builder full(Path outDir, Path workDir) {
        return new Builder("full", 3, Duration.ofSeconds(5), Duration.ofSeconds(15), outDir, workDir);
    }

    /**
     * A mode's settings while the command line changes them field by field; {@link #build} makes
     * the record. {@code name} stays null until chosen. Not thread-safe.
     */
    static final class Builder {
        final String mode;
        int rounds;
        final Duration warmup;
        Duration produceDuration;
        Duration latencyDuration;
        int producers = 4;
        int consumers = 4;
        int partitions = 4;
        int recordSize = 1024;
        List<BrokerSetup> brokers = DEFAULT_BROKERS;
        List<String> jvmFlags = DEFAULT_JVM_FLAGS;
        Path outDir;
        String name;
        Path workDir;
        boolean profile;
        double fixedRate;

        private Builder(String mode, int rounds, Duration warmup, Duration workloadLength, Path outDir, Path workDir) {
            this.mode = mode;
            this.rounds = rounds;
            this.warmup = warmup;
            this.produceDuration = workloadLength;
            this.latencyDuration = workloadLength;
            this.outDir = outDir;
            this.workDir = workDir;
        }

        BenchSettings build() {
            return new BenchSettings(
                    mode,
                    rounds,
                    warmup,
                    produceDuration,
                    latencyDuration,
                    producers,
                    consumers,
                    partitions,
                    recordSize,
                    List.copyOf(brokers),
                    List.copyOf(jvmFlags),
                    outDir,
                    name,
                    workDir,
                    profile,
                    fixedRate);
        }
    }

    /** The broker whose median acks=all throughput sets the fixed latency rate. */
    BrokerSetup reference() {
        return brokers.get(0);
    }
}
