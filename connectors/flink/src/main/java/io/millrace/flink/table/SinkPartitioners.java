package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.SINK_PARTITIONER;

import io.millrace.flink.sink.FixedPartitioner;
import io.millrace.flink.sink.MillracePartitioner;
import javax.annotation.Nullable;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.FlinkException;
import org.apache.flink.util.InstantiationUtil;

/**
 * The partitioner that option {@code sink.partitioner} names: {@code default} and {@code round-robin}
 * leave partitioning to the producer (by key hash; records without a key are spread), {@code fixed}
 * is {@link FixedPartitioner}, anything else is the name of a {@link MillracePartitioner} class with
 * a public no-argument constructor. Stateless.
 */
final class SinkPartitioners {

    static final String DEFAULT = "default";
    static final String FIXED = "fixed";
    static final String ROUND_ROBIN = "round-robin";

    private SinkPartitioners() {}

    /** The partitioner, or {@code null} for the producer's own. */
    @Nullable
    static MillracePartitioner<RowData> of(String name, ClassLoader classLoader) {
        return switch (name) {
            case DEFAULT, ROUND_ROBIN -> null;
            case FIXED -> new FixedPartitioner<>();
            default -> instantiate(name, classLoader);
        };
    }

    @SuppressWarnings("unchecked")
    private static MillracePartitioner<RowData> instantiate(String className, ClassLoader classLoader) {
        Class<?> type;
        try {
            type = Class.forName(className, false, classLoader);
        } catch (ClassNotFoundException e) {
            throw new ValidationException(
                    "Option '" + SINK_PARTITIONER.key() + "': no class '" + className
                            + "' (and not one of 'default', 'fixed', 'round-robin').",
                    e);
        }
        if (!MillracePartitioner.class.isAssignableFrom(type)) {
            throw new ValidationException("Option '" + SINK_PARTITIONER.key() + "': class '" + className
                    + "' does not implement " + MillracePartitioner.class.getName() + ".");
        }
        try {
            return InstantiationUtil.instantiate(className, MillracePartitioner.class, classLoader);
        } catch (FlinkException e) {
            throw new ValidationException(
                    "Option '" + SINK_PARTITIONER.key() + "': cannot instantiate '" + className + "'.", e);
        }
    }
}
