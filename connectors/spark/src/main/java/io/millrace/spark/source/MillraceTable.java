package io.millrace.spark.source;

import io.millrace.spark.avro.SourceColumnFormats;
import io.millrace.spark.options.SourceOptions;
import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.CatalogV2Util;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** What {@code format("millrace")} loads: Millrace records, read in batches or micro-batches. Immutable. */
public final class MillraceTable implements SupportsRead {

    private final boolean includeHeaders;
    private final SourceColumnFormats formats;

    public MillraceTable(boolean includeHeaders, SourceColumnFormats formats) {
        this.includeHeaders = includeHeaders;
        this.formats = formats;
    }

    @Override
    public String name() {
        return "MillraceTable";
    }

    @Override
    public Column[] columns() {
        return CatalogV2Util.structTypeToV2Columns(RecordSchema.of(includeHeaders, formats));
    }

    @Override
    public Set<TableCapability> capabilities() {
        return EnumSet.of(TableCapability.BATCH_READ, TableCapability.MICRO_BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
        SourceOptions sourceOptions = SourceOptions.of(options.asCaseSensitiveMap());
        return () -> new MillraceScan(sourceOptions, formats);
    }
}
