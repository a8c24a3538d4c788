package io.millrace.flink.formats;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.table.runtime.connector.sink.SinkRuntimeProviderContext;
import org.apache.flink.table.runtime.connector.source.ScanRuntimeProviderContext;
import org.apache.flink.table.types.DataType;

/**
 * A registry format's runtime encoder and decoder as a table connector gets them: the factory found
 * by its identifier through Flink's discovery, the format created for a table of a row type's
 * physical columns with the given format options and the registry's URL.
 */
public final class RegistryFormats {

    /** A row type of two columns, and its second version: a nullable column added. */
    public static final DataType ROW_V1 = DataTypes.ROW(
                    DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                    DataTypes.FIELD("name", DataTypes.STRING().notNull()))
            .notNull();

    public static final DataType ROW_V2 = DataTypes.ROW(
                    DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                    DataTypes.FIELD("name", DataTypes.STRING().notNull()),
                    DataTypes.FIELD("email", DataTypes.STRING()))
            .notNull();

    private RegistryFormats() {}

    public static SerializationSchema<RowData> encoder(
            String identifier, DataType rowType, Map<String, String> options, String registryUrl) {
        SerializationFormatFactory factory = FactoryUtil.discoverFactory(
                RegistryFormats.class.getClassLoader(), SerializationFormatFactory.class, identifier);
        return factory.createEncodingFormat(context(identifier, rowType), formatOptions(options, registryUrl))
                .createRuntimeEncoder(new SinkRuntimeProviderContext(false), rowType);
    }

    public static DeserializationSchema<RowData> decoder(
            String identifier, DataType rowType, Map<String, String> options, String registryUrl) {
        DeserializationFormatFactory factory = FactoryUtil.discoverFactory(
                RegistryFormats.class.getClassLoader(), DeserializationFormatFactory.class, identifier);
        return factory.createDecodingFormat(context(identifier, rowType), formatOptions(options, registryUrl))
                .createRuntimeDecoder(ScanRuntimeProviderContext.INSTANCE, rowType);
    }

    private static Configuration formatOptions(Map<String, String> options, String registryUrl) {
        Configuration config = Configuration.fromMap(options);
        config.setString("url", registryUrl);
        return config;
    }

    /** The context of a table of {@code rowType}'s physical columns, as the planner would pass it. */
    private static DynamicTableFactory.Context context(String identifier, DataType rowType) {
        List<String> names = DataType.getFieldNames(rowType);
        List<DataType> types = DataType.getFieldDataTypes(rowType);
        ResolvedSchema schema = ResolvedSchema.of(IntStream.range(0, names.size())
                .<Column>mapToObj(i -> Column.physical(names.get(i), types.get(i)))
                .toList());
        ResolvedCatalogTable table = new ResolvedCatalogTable(
                CatalogTable.newBuilder()
                        .schema(org.apache.flink.table.api.Schema.newBuilder()
                                .fromResolvedSchema(schema)
                                .build())
                        .options(Map.of("value.format", identifier))
                        .build(),
                schema);
        return new FactoryUtil.DefaultDynamicTableContext(
                ObjectIdentifier.of("default_catalog", "default_database", "t"),
                table,
                Map.of(),
                new Configuration(),
                RegistryFormats.class.getClassLoader(),
                false);
    }
}
