package io.millrace.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One workload run on one broker in one round: its figures and, for latency workloads, the
 * histogram (microseconds) they were taken from (null otherwise).
 *
 * @param otherCpuCores average cores kept busy during the workload by processes other than the
 *                      broker, the harness and the kernel's own threads (other builds, tests), plus
 *                      time stolen by the hypervisor: a measure of the noise, NaN when unknown
 * @param kernelCpuCores average cores of kernel threads and interrupt handling (block I/O,
 *                      journaling, loopback networking), much of it on behalf of the broker and
 *                      the harness, NaN when unknown
 * @param harnessCpuCores average cores the harness JVM (the clients) used during the workload:
 *                      near the machine's core count it, not the broker, limits the figures
 */
record Measurement(
        BrokerSetup setup,
        int round,
        Workload workload,
        Map<Figure, Double> figures,
        Histogram latency,
        double otherCpuCores,
        double kernelCpuCores,
        double harnessCpuCores) {}
