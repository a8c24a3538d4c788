package io.millrace.bench.jmh;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.AppendResult;
import io.millrace.broker.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link PartitionLog#append}: validation (CRC-32C over the batch), offset assignment and the
 * positional write, with the group-commit thread fsyncing in the background as in the broker
 * (flush.ms=0). {@code appendAndAwaitDurable} also waits for the fsync, as an acks=all produce
 * does; run with several threads it shows how far group commit amortises the fsync.
 *
 * <p>Batches hold {@code recordsPerBatch} records of 1 KB: 1 (a latency-bound producer) or 16
 * (a full 16 KB default producer batch).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PartitionLogAppendBenchmark extends JmhRunSettings {

    @Param({"1", "16"})
    public int recordsPerBatch;

    private BenchLogs logs;
    private PartitionLog log;
    private ByteBuffer template;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        logs = new BenchLogs();
        log = logs.log();
        template = BenchBatches.batch(recordsPerBatch, 1024);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        logs.close();
    }

    @Benchmark
    public AppendResult append() {
        return checked(log.append(copy(), 0, AppendOrigin.CLIENT));
    }

    @Benchmark
    @Threads(4)
    public Errors appendAndAwaitDurable() throws Exception {
        AppendResult r = checked(log.append(copy(), 0, AppendOrigin.CLIENT));
        CompletableFuture<Errors> durable = new CompletableFuture<>();
        log.whenDurable(r.lastOffset() + 1, durable::complete);
        return durable.get(30, TimeUnit.SECONDS);
    }

    /** A private copy: append stamps the base offset into the batch, and threads must not share one. */
    private ByteBuffer copy() {
        return BenchBatches.copy(template);
    }

    private static AppendResult checked(AppendResult r) {
        if (r.error() != Errors.NONE) {
            throw new IllegalStateException("append failed: " + r.error() + " " + r.errorMessage());
        }
        return r;
    }
}
