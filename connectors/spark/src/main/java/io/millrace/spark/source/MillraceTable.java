package io.millrace.spark.source;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.options.SourceOptions;
import io.millrace.spark.sink.MillraceWrite;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.CatalogV2Util;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * What {@code format("millrace")} loads and streaming queries write to: Millrace records, read in
 * batches or micro-batches, written by micro-batches. (Batch writes go through the provider's V1
 * path, as Kafka's do.) Thread-safe: the read's column formats are resolved once, on first use.
 */
public final class MillraceTable implements SupportsRead, SupportsWrite {

    private final boolean includeHeaders;
    private final Map<String, String> properties;
    private final StructType givenSchema;
    /** Resolved on the first read: a write's options ({@code valueFormat} of the sink) are not a read's. */
    private volatile SourceColumnFormats formats;

    /**
     * @param properties the options the table was made with, for the read's key and value formats
     * @param givenSchema the schema Spark gave the provider; a read with another than ours fails
     */
    public MillraceTable(boolean includeHeaders, Map<String, String> properties, StructType givenSchema) {
        this.includeHeaders = includeHeaders;
        this.properties = Map.copyOf(properties);
        this.givenSchema = givenSchema;
    }

    @Override
    public String name() {
        return "MillraceTable";
    }

    @Override
    public Column[] columns() {
        return CatalogV2Util.structTypeToV2Columns(RecordSchema.of(includeHeaders, formats()));
    }

    @Override
    public Set<TableCapability> capabilities() {
        return EnumSet.of(
                TableCapability.BATCH_READ, TableCapability.MICRO_BATCH_READ, TableCapability.STREAMING_WRITE);
    }

    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
        return MillraceWrite.builder(info);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
        if (givenSchema != null && !givenSchema.equals(RecordSchema.of(includeHeaders, formats()))) {
            throw new IllegalArgumentException(
                    "requirement failed: Kafka source has a fixed schema and cannot be set with a custom one");
        }
        SourceOptions sourceOptions = SourceOptions.of(options.asCaseSensitiveMap());
        SourceColumnFormats columnFormats = formats();
        return () -> new MillraceScan(sourceOptions, columnFormats);
    }

    private SourceColumnFormats formats() {
        SourceColumnFormats resolved = formats;
        if (resolved == null) {
            resolved = SourceColumnFormats.of(properties);
            formats = resolved;
        }
        return resolved;
    }
}
