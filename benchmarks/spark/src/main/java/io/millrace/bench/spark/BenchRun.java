package io.millrace.bench.spark;

/**
 * One measured run of a workload with a connector, and what was checked after it.
 *
 * @param round the round, from 1
 * @param records rows the run counted (a source) or wrote (a sink)
 * @param valueBytes bytes of the values a source counted (-1 for a sink)
 * @param millis from the job's or query's start to its end, planning included
 * @param driverCpuMillis CPU time of this JVM (Spark's driver and executors) during the run
 * @param brokerCpuMillis CPU time of the broker's threads during the run
 * @param committed records a {@code read_committed} reader found in the sink's topic afterwards (-1 for a source)
 * @param distinct distinct rows among them (-1 for a source)
 * @param failure why the run failed, or {@code null} if it ran to its end
 */
record BenchRun(
        Connector connector,
        Workload workload,
        int round,
        long records,
        long valueBytes,
        long millis,
        long driverCpuMillis,
        long brokerCpuMillis,
        long committed,
        long distinct,
        String failure) {

    /** A run that failed: no figures, only the reason. */
    static BenchRun failed(Connector connector, Workload workload, int round, String failure) {
        return new BenchRun(connector, workload, round, 0, -1, 0, 0, 0, -1, -1, failure);
    }

    boolean succeeded() {
        return failure == null;
    }

    /** Rows per second over the run's time. */
    double rowsPerSecond() {
        return records * 1000.0 / Math.max(1, millis);
    }

    /**
     * Whether the run handled {@code expected} rows of {@code recordBytes} each: a source counted
     * all of them and their bytes, a sink's topic holds each exactly once.
     */
    boolean complete(long expected, int recordBytes) {
        if (!succeeded() || records != expected) {
            return false;
        }
        return workload.isSink() ? committed == expected && distinct == expected : valueBytes == expected * recordBytes;
    }
}
