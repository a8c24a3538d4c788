package io.millrace.flink.formats.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.millrace.flink.formats.RegistryFormats;
import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.client.SchemaString;
import io.millrace.schema.serde.WireFormat;
import io.millrace.testing.MillraceBroker;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code millrace-json} format as a table connector uses it (found through Flink's factory
 * discovery, created for a row type) and its DataStream schemas, against a real registry: the
 * bytes of the wire format and the JSON Schema their id names, every type flink-json writes, reads
 * across an added field, records that are not in the wire format, and option errors.
 */
class MillraceJsonFormatFactoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final DataType ROW_V1 = RegistryFormats.ROW_V1;
    private static final DataType ROW_V2 = RegistryFormats.ROW_V2;
    private static final DataType EVERY_TYPE = DataTypes.ROW(
                    DataTypes.FIELD("b", DataTypes.BOOLEAN()),
                    DataTypes.FIELD("i", DataTypes.INT()),
                    DataTypes.FIELD("l", DataTypes.BIGINT().notNull()),
                    DataTypes.FIELD("d", DataTypes.DOUBLE()),
                    DataTypes.FIELD("dec", DataTypes.DECIMAL(10, 2)),
                    DataTypes.FIELD("s", DataTypes.STRING()),
                    DataTypes.FIELD("bin", DataTypes.BYTES()),
                    DataTypes.FIELD("day", DataTypes.DATE()),
                    DataTypes.FIELD("ts", DataTypes.TIMESTAMP(3)),
                    DataTypes.FIELD("arr", DataTypes.ARRAY(DataTypes.STRING())),
                    DataTypes.FIELD("m", DataTypes.MAP(DataTypes.STRING(), DataTypes.INT())),
                    DataTypes.FIELD("r", DataTypes.ROW(DataTypes.FIELD("x", DataTypes.INT()))),
                    DataTypes.FIELD("missing", DataTypes.STRING()))
            .notNull();

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void aRowIsMagicByteIdAndPlainJsonAndTheIdNamesTheRegisteredJsonSchema() throws Exception {
        SerializationSchema<RowData> encoder = encoder(ROW_V1, Map.of("subject", "people-value"));
        encoder.open(null);

        byte[] written = encoder.serialize(GenericRowData.of(1L, StringData.fromString("ada")));

        assertThat(written[0]).as("magic byte").isZero();
        int id = ByteBuffer.wrap(written, 1, 4).getInt();
        assertThat(JSON.readTree(Arrays.copyOfRange(written, 5, written.length)))
                .isEqualTo(JSON.readTree("{\"id\":1,\"name\":\"ada\"}"));
        SchemaString registered = registry().getSchemaStringById(id);
        assertThat(registered.schemaType()).isEqualTo("JSON");
        assertThat(JSON.readTree(registered.schema()))
                .isEqualTo(JSON.readTree(RowTypeJsonSchema.of((RowType) ROW_V1.getLogicalType())));
        assertThat(registry().getLatestSchemaMetadata("people-value").id()).isEqualTo(id);
    }

    @Test
    void everyTypeRoundTripsAndAFieldTheRecordLacksIsNull() throws Exception {
        SerializationSchema<RowData> encoder = encoder(EVERY_TYPE, Map.of("subject", "every-value"));
        encoder.open(null);
        Map<StringData, Integer> map = new HashMap<>();
        map.put(StringData.fromString("k"), 5);
        GenericRowData row = GenericRowData.of(
                true,
                7,
                8L,
                1.5d,
                DecimalData.fromBigDecimal(new BigDecimal("12.34"), 10, 2),
                StringData.fromString("text"),
                new byte[] {1, 2, 3},
                (int) LocalDate.of(2026, 12, 8).toEpochDay(),
                TimestampData.fromLocalDateTime(LocalDateTime.of(2026, 12, 8, 1, 2, 3, 4_000_000)),
                new GenericArrayData(new Object[] {StringData.fromString("a"), null}),
                new GenericMapData(map),
                GenericRowData.of(9),
                null);

        byte[] written = encoder.serialize(row);
        DeserializationSchema<RowData> decoder = decoder(EVERY_TYPE, Map.of());
        decoder.open(null);
        RowData read = decoder.deserialize(written);

        assertThat(read).hasToString(row.toString());
        assertThat(registry().getSchemaStringById(WireFormat.schemaId(written)).schemaType())
                .isEqualTo("JSON");
    }

    @Test
    void aTableWithAnAddedColumnAndOneWithoutReadEachOthersRows() throws Exception {
        SerializationSchema<RowData> v1 = encoder(ROW_V1, Map.of("subject", "evolving-value"));
        v1.open(null);
        SerializationSchema<RowData> v2 = encoder(ROW_V2, Map.of("subject", "evolving-value"));
        v2.open(null);
        byte[] older = v1.serialize(GenericRowData.of(1L, StringData.fromString("ada")));
        byte[] newer = v2.serialize(
                GenericRowData.of(2L, StringData.fromString("grace"), StringData.fromString("g@example.org")));

        DeserializationSchema<RowData> readsV1 = decoder(ROW_V1, Map.of());
        readsV1.open(null);
        DeserializationSchema<RowData> readsV2 = decoder(ROW_V2, Map.of());
        readsV2.open(null);

        assertThat(registry().getLatestSchemaMetadata("evolving-value").version())
                .as("the added nullable column is a compatible second version")
                .isEqualTo(2);
        assertThat(readsV2.deserialize(older)).hasToString("+I(1,ada,null)");
        assertThat(readsV1.deserialize(newer)).hasToString("+I(2,grace)");
    }

    @Test
    void aRecordNotInTheWireFormatFailsNamingTheFrameOrIsSkippedWithIgnoreParseErrors() throws Exception {
        byte[] plainJson = "{\"id\":1,\"name\":\"ada\"}".getBytes(StandardCharsets.UTF_8);
        byte[] avroId = framed(registry().register("avro-value", Schema.create(Schema.Type.STRING), false), "\"x\"");
        byte[] unknownId = framed(987654, "{}");
        SerializationSchema<RowData> encoder = encoder(ROW_V1, Map.of("subject", "skipping-value"));
        encoder.open(null);
        byte[] good = encoder.serialize(GenericRowData.of(3L, StringData.fromString("edsger")));
        byte[] badJson = framed(WireFormat.schemaId(good), "{\"id\":");

        DeserializationSchema<RowData> strict = decoder(ROW_V1, Map.of());
        strict.open(null);
        assertThatThrownBy(() -> strict.deserialize(plainJson))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown magic byte 123")
                .hasMessageContaining("millrace-json reads a magic byte 0 and a 4-byte schema id");
        assertThatThrownBy(() -> strict.deserialize(avroId))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is a AVRO schema, not a JSON Schema");
        assertThatThrownBy(() -> strict.deserialize(unknownId))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Schema id 987654")
                .hasMessageContaining(broker.registryUrl());
        assertThat(strict.deserialize(null)).as("a tombstone").isNull();

        DeserializationSchema<RowData> lenient = decoder(ROW_V1, Map.of("ignore-parse-errors", "true"));
        lenient.open(null);
        List<RowData> read = new ArrayList<>();
        for (byte[] message : List.of(plainJson, avroId, unknownId, badJson, good)) {
            lenient.deserialize(message, new ListCollector<>(read));
        }
        assertThat(read).map(Object::toString).containsExactly("+I(3,edsger)");
    }

    @Test
    void aRegistryThatCannotBeReachedFailsEvenWithIgnoreParseErrors() throws Exception {
        DeserializationSchema<RowData> lenient = RegistryFormats.decoder(
                MillraceJsonFormatFactory.IDENTIFIER,
                ROW_V1,
                Map.of("ignore-parse-errors", "true", "properties.schema.registry.max.retries", "0"),
                "http://127.0.0.1:1");
        lenient.open(null);

        assertThatThrownBy(() -> lenient.deserialize(framed(1, "{\"id\":1,\"name\":\"ada\"}")))
                .as("no fault of the record: it is not skipped")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot reach the schema registry");
    }

    @Test
    void anExplicitSchemaIsRegisteredAsWrittenAndWithoutAutoRegistrationOnlyLookedUp() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
                + "\"name\":{\"type\":\"string\"}},\"required\":[\"id\",\"name\"]}";
        SerializationSchema<RowData> explicit = encoder(ROW_V1, Map.of("subject", "explicit-value", "schema", schema));
        explicit.open(null);
        byte[] written = explicit.serialize(GenericRowData.of(4L, StringData.fromString("barbara")));
        assertThat(JSON.readTree(registry()
                        .getSchemaStringById(WireFormat.schemaId(written))
                        .schema()))
                .isEqualTo(JSON.readTree(schema));

        SerializationSchema<RowData> lookedUp = encoder(
                ROW_V1, Map.of("subject", "explicit-value", "schema", schema, "auto.register.schemas", "false"));
        lookedUp.open(null);
        assertThat(WireFormat.schemaId(lookedUp.serialize(GenericRowData.of(5L, StringData.fromString("alan")))))
                .isEqualTo(WireFormat.schemaId(written));
        SerializationSchema<RowData> unregistered =
                encoder(ROW_V2, Map.of("subject", "explicit-value", "auto.register.schemas", "false"));
        assertThatThrownBy(() -> unregistered.open(null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not registered under subject 'explicit-value'");
    }

    @Test
    void optionErrorsNameTheOption() {
        assertThatThrownBy(() -> encoder(ROW_V1, Map.of()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("millrace-json.subject");
        assertThatThrownBy(() -> encoder(ROW_V1, Map.of("subject", "s", "schema", "{\"type\":")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("millrace-json.schema");
        assertThatThrownBy(
                        () -> decoder(ROW_V1, Map.of("fail-on-missing-field", "true", "ignore-parse-errors", "true")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("fail-on-missing-field")
                .hasMessageContaining("ignore-parse-errors");
        assertThatThrownBy(() -> decoder(ROW_V1, Map.of("timestamp-format.standard", "RFC")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("timestamp-format.standard");
        assertThatThrownBy(() -> encoder(ROW_V1, Map.of("subject", "s", "auto.register.schemas", "maybe")))
                .hasMessageContaining("auto.register.schemas");
    }

    /** A POJO of the DataStream tests, first version. */
    public static class Person {
        public long id;
        public String name;

        public Person() {}

        Person(long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** The second version: an added field. */
    public static class PersonV2 extends Person {
        public String email;

        public PersonV2() {}

        PersonV2(long id, String name, String email) {
            super(id, name);
            this.email = email;
        }
    }

    @Test
    void dataStreamSchemasWritePojosUnderAJsonSchemaAndReadThemAcrossAnAddedField() throws Exception {
        String schemaV2 = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
                + "\"name\":{\"type\":\"string\"},\"email\":{\"type\":\"string\"}},\"required\":[\"id\"],"
                + "\"additionalProperties\":false}";
        MillraceJsonSerializationSchema<PersonV2> writer =
                MillraceJsonSerializationSchema.of("people-stream-value", schemaV2, broker.registryUrl());
        writer.open(null);
        byte[] written = writer.serialize(new PersonV2(6, "margaret", "m@example.org"));

        MillraceJsonDeserializationSchema<Person> reader =
                MillraceJsonDeserializationSchema.of(Person.class, broker.registryUrl());
        reader.open(null);
        Person read = reader.deserialize(written);

        assertThat(read).isExactlyInstanceOf(Person.class);
        assertThat(List.of(read.id, read.name)).containsExactly(6L, "margaret");
        assertThat(JSON.readTree(registry()
                        .getSchemaStringById(WireFormat.schemaId(written))
                        .schema()))
                .isEqualTo(JSON.readTree(schemaV2));
        assertThatThrownBy(() -> reader.deserialize("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("magic byte");
        assertThatThrownBy(() -> MillraceJsonSerializationSchema.of("s", "[]", broker.registryUrl()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a JSON object or a boolean");
    }

    private static byte[] framed(int id, String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(WireFormat.HEADER_LENGTH + text.length)
                .put(WireFormat.MAGIC_BYTE)
                .putInt(id)
                .put(text)
                .array();
    }

    private static CachedSchemaRegistryClient registry() {
        return new CachedSchemaRegistryClient(List.of(broker.registryUrl()), 100);
    }

    private static SerializationSchema<RowData> encoder(DataType rowType, Map<String, String> options) {
        return RegistryFormats.encoder(MillraceJsonFormatFactory.IDENTIFIER, rowType, options, broker.registryUrl());
    }

    private static DeserializationSchema<RowData> decoder(DataType rowType, Map<String, String> options) {
        return RegistryFormats.decoder(MillraceJsonFormatFactory.IDENTIFIER, rowType, options, broker.registryUrl());
    }
}
