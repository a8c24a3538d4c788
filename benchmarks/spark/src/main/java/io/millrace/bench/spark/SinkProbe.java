package io.millrace.bench.spark;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Whether a format can write, asked the way {@code df.write.format(...).save()} asks it: the
 * format's {@link TableProvider} (found by its short name, as Spark finds it) gives a table for the
 * sink's options, and that table supports the write in question (batch or streaming). The benchmark asks before
 * running ours as a sink, so a build whose connector has no sink yet reports why instead of a
 * figure. Stateless.
 */
final class SinkProbe {

    private SinkProbe() {}

    /** Why {@code format} cannot write to {@code topic} with {@code capability}, or empty if it can. */
    static Optional<String> whyCannotWrite(String format, String bootstrap, String topic, TableCapability capability) {
        CaseInsensitiveStringMap options =
                new CaseInsensitiveStringMap(Map.of("kafka.bootstrap.servers", bootstrap, "topic", topic));
        try {
            TableProvider provider = provider(format);
            StructType schema = provider.supportsExternalMetadata()
                    ? new StructType().add("value", DataTypes.BinaryType)
                    : provider.inferSchema(options);
            Table table = provider.getTable(schema, new Transform[0], options);
            if (!(table instanceof SupportsWrite) || !table.capabilities().contains(capability)) {
                return Optional.of(table.name() + " has no " + capability + ", only " + table.capabilities());
            }
            return Optional.empty();
        } catch (RuntimeException | ServiceConfigurationError e) {
            return Optional.of("its table for a sink's options fails: " + e);
        }
    }

    private static TableProvider provider(String format) {
        for (DataSourceRegister source : ServiceLoader.load(DataSourceRegister.class)) {
            if (source.shortName().equalsIgnoreCase(format) && source instanceof TableProvider provider) {
                return provider;
            }
        }
        throw new IllegalStateException("No DataSource V2 provider named " + format + " on the classpath");
    }
}
