package io.millrace.flink.source.reader;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A metric group that keeps its gauges by dotted name ({@code group.key.value.name}) for tests. */
final class RecordingMetricGroup extends UnregisteredMetricsGroup {

    private final String prefix;
    private final Map<String, Gauge<?>> gauges;

    RecordingMetricGroup() {
        this("", new ConcurrentHashMap<>());
    }

    private RecordingMetricGroup(String prefix, Map<String, Gauge<?>> gauges) {
        this.prefix = prefix;
        this.gauges = gauges;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        gauges.put(prefix + name, gauge);
        return gauge;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new RecordingMetricGroup(prefix + name + ".", gauges);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return new RecordingMetricGroup(prefix + key + "." + value + ".", gauges);
    }

    /** The value of the gauge registered under {@code name}, or {@code null} when there is none. */
    Object value(String name) {
        Gauge<?> gauge = gauges.get(name);
        return gauge == null ? null : gauge.getValue();
    }
}
