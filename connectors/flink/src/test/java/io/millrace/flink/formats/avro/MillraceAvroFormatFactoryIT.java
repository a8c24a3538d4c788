package io.millrace.flink.formats.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.formats.RegistryFormats;
import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.serde.WireFormat;
import io.millrace.testing.MillraceBroker;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code millrace-avro} format as a table connector would use it: found by its identifier
 * through Flink's factory discovery, created for a table's row type, and run against a real
 * registry. Rows written with one table schema are read by a table with a column added, and
 * records of an application's own schema are read by a table.
 */
class MillraceAvroFormatFactoryIT {

    private static final DataType ROW_V1 = RegistryFormats.ROW_V1;
    private static final DataType ROW_V2 = RegistryFormats.ROW_V2;

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void rowsAreRegisteredUnderTheSubjectAndReadByATableWithAnAddedColumn() throws Exception {
        SerializationSchema<RowData> encoder = encoder(ROW_V1, Map.of("subject", "rows-value"));
        encoder.open(null);
        byte[] written = encoder.serialize(GenericRowData.of(1L, StringData.fromString("ada")));

        DeserializationSchema<RowData> decoder = decoder(ROW_V2);
        decoder.open(null);
        RowData read = decoder.deserialize(written);

        assertThat(read.getLong(0)).isEqualTo(1L);
        assertThat(read.getString(1)).hasToString("ada");
        assertThat(read.isNullAt(2)).as("the added column's default").isTrue();
        assertThat(WireFormat.schemaId(written))
                .isEqualTo(new CachedSchemaRegistryClient(List.of(broker.registryUrl()), 10)
                        .getLatestSchemaMetadata("rows-value")
                        .id());
    }

    @Test
    void aTableReadsRecordsOfAnApplicationsOwnSchema() throws Exception {
        MillraceAvroSerializationSchema<GenericRecord> application = MillraceAvroSerializationSchema.forGeneric(
                "customers-value", MillraceAvroFormatIT.CUSTOMER_V2, broker.registryUrl());
        application.open(null);
        GenericRecord customer = MillraceAvroFormatIT.customerV2(5, "grace", "grace@example.com");

        DeserializationSchema<RowData> decoder = decoder(ROW_V1);
        decoder.open(null);
        RowData read = decoder.deserialize(application.serialize(customer));

        assertThat(read.getLong(0)).isEqualTo(5L);
        assertThat(read.getString(1)).hasToString("grace");
        assertThat(read.getArity()).isEqualTo(2);
    }

    @Test
    void writingWithoutASubjectIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> encoder(ROW_V1, Map.of()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("millrace-avro.subject");
    }

    private static SerializationSchema<RowData> encoder(DataType rowType, Map<String, String> options) {
        return RegistryFormats.encoder(MillraceAvroFormatFactory.IDENTIFIER, rowType, options, broker.registryUrl());
    }

    private static DeserializationSchema<RowData> decoder(DataType rowType) {
        return RegistryFormats.decoder(MillraceAvroFormatFactory.IDENTIFIER, rowType, Map.of(), broker.registryUrl());
    }
}
