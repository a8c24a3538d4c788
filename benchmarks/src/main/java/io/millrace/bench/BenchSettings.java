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
    static BenchSettings quick(Path outDir, Path workDir) {
        return new BenchSettings(
                "quick",
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                4,
                4,
                4,
                1024,
                DEFAULT_BROKERS,
                DEFAULT_JVM_FLAGS,
                outDir,
                "quick",
                workDir,
                false,
                0);
    }

    /** The figures to publish: three rounds of 15-second workloads (about 20 minutes). */
    static BenchSettings full(Path outDir, Path workDir) {
        return new BenchSettings(
                "full",
                3,
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                Duration.ofSeconds(15),
                4,
                4,
                4,
                1024,
                DEFAULT_BROKERS,
                DEFAULT_JVM_FLAGS,
                outDir,
                "full",
                workDir,
                false,
                0);
    }

    BenchSettings withRounds(int n) {
        return new BenchSettings(
                mode,
                n,
                warmup,
                produceDuration,
                latencyDuration,
                producers,
                consumers,
                partitions,
                recordSize,
                brokers,
                jvmFlags,
                outDir,
                name,
                workDir,
                profile,
                fixedRate);
    }

    BenchSettings withDurations(Duration produce, Duration latency) {
        return new BenchSettings(
                mode,
                rounds,
                warmup,
                produce,
                latency,
                producers,
                consumers,
                partitions,
                recordSize,
                brokers,
                jvmFlags,
                outDir,
                name,
                workDir,
                profile,
                fixedRate);
    }

    BenchSettings withClients(int producerCount, int consumerCount, int partitionCount) {
        return new BenchSettings(
                mode,
                rounds,
                warmup,
                produceDuration,
                latencyDuration,
                producerCount,
                consumerCount,
                partitionCount,
                recordSize,
                brokers,
                jvmFlags,
                outDir,
                name,
                workDir,
                profile,
                fixedRate);
    }

    BenchSettings withBrokers(List<BrokerSetup> setups) {
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
                List.copyOf(setups),
                jvmFlags,
                outDir,
                name,
                workDir,
                profile,
                fixedRate);
    }

    BenchSettings withJvmFlags(List<String> flags) {
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
                brokers,
                List.copyOf(flags),
                outDir,
                name,
                workDir,
                profile,
                fixedRate);
    }

    BenchSettings withOutput(Path dir, String fileName) {
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
                brokers,
                jvmFlags,
                dir,
                fileName,
                workDir,
                profile,
                fixedRate);
    }

    BenchSettings withProfile(boolean on) {
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
                brokers,
                jvmFlags,
                outDir,
                name,
                workDir,
                on,
                fixedRate);
    }

    BenchSettings withWorkDir(Path dir) {
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
                brokers,
                jvmFlags,
                outDir,
                name,
                dir,
                profile,
                fixedRate);
    }

    BenchSettings withFixedRate(double recordsPerSecond) {
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
                brokers,
                jvmFlags,
                outDir,
                name,
                workDir,
                profile,
                recordsPerSecond);
    }

    /** The broker whose median acks=all throughput sets the fixed latency rate. */
    BrokerSetup reference() {
        return brokers.get(0);
    }
}
