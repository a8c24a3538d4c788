package io.millrace.bench.flink;

/**
 * What one job reported and what was checked after it.
 *
 * @param round the round, from 1
 * @param records records the job handled (the source: counted at its end; a sink: generated)
 * @param millis the job's net runtime
 * @param jobCpuMillis CPU time of the job's JVM during the job (all its threads)
 * @param brokerCpuMillis CPU time of the broker's threads during the job
 * @param committed records a {@code read_committed} reader found in the sink's topic afterwards (-1 for the source)
 * @param distinct distinct records among them (-1 for the source)
 * @param failure why the job failed, or {@code null} if it ran to its end
 */
record JobRun(
        Connector connector,
        Workload workload,
        int round,
        long records,
        long millis,
        long jobCpuMillis,
        long brokerCpuMillis,
        long committed,
        long distinct,
        String failure) {

    /** A job that failed: no figures, only the reason. */
    static JobRun failed(Connector connector, Workload workload, int round, String failure) {
        return new JobRun(connector, workload, round, 0, 0, 0, 0, -1, -1, failure);
    }

    boolean succeeded() {
        return failure == null;
    }

    /** Records per second over the job's runtime. */
    double recordsPerSecond() {
        return records * 1000.0 / millis;
    }

    /** Whether the job handled {@code expected} records and, for a sink, every one of them is committed exactly once. */
    boolean complete(long expected) {
        return succeeded()
                && records == expected
                && (!workload.isSink() || (committed == expected && distinct == expected));
    }
}
