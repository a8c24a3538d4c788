package io.millrace.flink.formats.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.flink.formats.avro.generated.Payment;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.formats.avro.typeutils.AvroSchemaConverter;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

/** Frames the decoder refuses before asking the registry, and the reader schema the table format derives. */
class RegistryAvroDecoderTest {

    /** Nothing listens here: the frames below fail before the decoder would call the registry. */
    private static final String NO_REGISTRY = "http://127.0.0.1:1";

    @Test
    void aMessageWithoutTheMagicByteFailsNamingIt() {
        RegistryAvroDecoder<GenericRecord> decoder = openDecoder();

        assertThatThrownBy(() -> decoder.decode(new byte[] {1, 0, 0, 0, 7, 2}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("magic byte 1");
        assertThatThrownBy(() -> decoder.decode(new byte[] {0, 0, 1}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("3 bytes is too short");
    }

    @Test
    void aNullMessageIsATombstoneAndYieldsNothing() throws IOException {
        assertThat(openDecoder().decode(null)).isNull();
    }

    @Test
    void theRowTypesSchemaGivesNullableColumnsANullDefaultSoOlderRecordsResolve() {
        RowType rowType = (RowType) DataTypes.ROW(
                        DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                        DataTypes.FIELD("email", DataTypes.STRING()))
                .notNull()
                .getLogicalType();

        Schema derived = MillraceAvroFormatFactory.schemaOf(rowType, null);

        assertThat(derived).isEqualTo(AvroSchemaConverter.convertToSchema(rowType));
        assertThat(derived.getField("id").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(derived.getField("email").schema().isNullable()).isTrue();
        assertThat(derived.getField("email").hasDefaultValue())
                .as("a column added later reads as null from records written without it")
                .isTrue();
    }

    @Test
    void anExplicitSchemaWinsOverTheRowType() {
        RowType rowType =
                (RowType) DataTypes.ROW(DataTypes.FIELD("id", DataTypes.BIGINT().notNull()))
                        .notNull()
                        .getLogicalType();

        assertThat(MillraceAvroFormatFactory.schemaOf(rowType, Payment.SCHEMA$.toString()))
                .isEqualTo(Payment.SCHEMA$);
    }

    private static RegistryAvroDecoder<GenericRecord> openDecoder() {
        RegistryAvroDecoder<GenericRecord> decoder =
                new RegistryAvroDecoder<>(Payment.SCHEMA$, null, RegistrySettings.of(NO_REGISTRY, Map.of()));
        decoder.open();
        return decoder;
    }
}
