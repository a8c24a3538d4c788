package io.millrace.bench.jmh;

import io.millrace.broker.log.AppendOrigin;
import io.millrace.broker.log.LogReadResult;
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

/**
 * {@link PartitionLog#read} as a fetch calls it: find the segment and the batch holding the
 * offset (sparse index, then a header scan) and cut a file slice of up to {@code maxBytes}. The
 * log holds 64 MB of durable 16 KB batches; reads walk through it sequentially, as a consumer
 * does. {@code readAndCopy} also copies the slice's bytes out of the page cache (the work a
 * non-sendfile transport would add).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PartitionLogReadBenchmark extends JmhRunSettings {

    private static final int BATCHES = 4096;
    private static final int RECORDS_PER_BATCH = 16;

    @Param({"16384", "1048576"})
    public int maxBytes;

    private BenchLogs logs;
    private PartitionLog log;
    private long nextOffset;
    private int batchBytes;
    private ByteBuffer copyBuffer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        logs = new BenchLogs();
        log = logs.log();
        ByteBuffer template = BenchBatches.batch(RECORDS_PER_BATCH, 1024);
        batchBytes = template.remaining();
        for (int i = 0; i < BATCHES; i++) {
            if (log.append(BenchBatches.copy(template), 0, AppendOrigin.CLIENT).error() != Errors.NONE) {
                throw new IllegalStateException("setup append failed");
            }
        }
        CompletableFuture<Errors> durable = new CompletableFuture<>();
        log.whenDurable(log.logEndOffset(), durable::complete);
        if (durable.get(60, TimeUnit.SECONDS) != Errors.NONE) {
            throw new IllegalStateException("setup flush failed");
        }
        copyBuffer = ByteBuffer.allocateDirect(Math.max(maxBytes, 64 * 1024));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        logs.close();
    }

    @Benchmark
    public LogReadResult read() {
        LogReadResult r = log.read(nextOffset, maxBytes, true);
        advance(r);
        return r;
    }

    @Benchmark
    public int readAndCopy() throws IOException {
        LogReadResult r = log.read(nextOffset, maxBytes, true);
        advance(r);
        copyBuffer.clear().limit(r.records().sizeInBytes());
        return r.records().channel().read(copyBuffer, r.records().position());
    }

    /** Moves to the offset after the slice (whole batches of 16 records), wrapping at the end. */
    private void advance(LogReadResult r) {
        if (r.error() != Errors.NONE) {
            throw new IllegalStateException("read failed: " + r.error());
        }
        int batches = Math.max(1, r.records().sizeInBytes() / batchBytes);
        nextOffset += (long) batches * RECORDS_PER_BATCH;
        if (nextOffset >= r.highWatermark()) {
            nextOffset = 0;
        }
    }
}
