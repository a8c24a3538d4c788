package io.millrace.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One workload run on one broker in one round: its figures and, for latency workloads, the
 * histogram (microseconds) they were taken from (null otherwise).
 */
record Measurement(BrokerSetup setup, int round, Workload workload, Map<Figure, Double> figures, Histogram latency) {
}
