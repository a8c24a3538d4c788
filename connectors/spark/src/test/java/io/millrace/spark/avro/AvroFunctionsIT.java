package io.millrace.spark.avro;

import static io.millrace.spark.avro.MillraceAvroFunctions.from_millrace_avro;
import static io.millrace.spark.avro.MillraceAvroFunctions.to_millrace_avro;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.serde.KafkaAvroDeserializer;
import io.millrace.schema.serde.WireFormat;
import io.millrace.spark.SparkTestSession;
import io.millrace.testing.MillraceBroker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code from_millrace_avro}/{@code to_millrace_avro} and the sink's {@link AvroSinkEncoder}
 * against a real schema registry, with Spark {@code local[2]}: every supported type round-trips,
 * what they write is what the registry client's own deserializer reads, and bad use fails clearly.
 */
class AvroFunctionsIT {

    @RegisterExtension
    static final MillraceBroker broker =
            MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void everySupportedAvroTypeRoundTripsThroughTheFunctions() throws Exception {
        String subject = "everything-value";
        List<Row> messages = new ArrayList<>();
        List<GenericRecord> records = new ArrayList<>();
        for (int variant = 0; variant < 8; variant++) {
            GenericRecord record = AvroTestSchemas.everything(variant);
            records.add(record);
            messages.add(RowFactory.create(
                    (Object) RegistryRecords.serialize(broker.registryUrl(), "everything", record, false)));
        }
        messages.add(RowFactory.create((Object) null));
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> encoded = spark.createDataFrame(messages, new StructType().add("value", DataTypes.BinaryType));

        Dataset<Row> decoded = encoded.select(
                from_millrace_avro(col("value"), subject, registry()).alias("v"));
        Dataset<Row> reencoded =
                decoded.select(to_millrace_avro(col("v"), subject, with(registry(), "schemaVersion", "latest"))
                        .alias("value"));
        List<Row> again = reencoded.collectAsList();

        assertThat(decoded.schema().apply("v").dataType())
                .isEqualTo(AvroSqlTypes.toSqlType(AvroTestSchemas.EVERY_TYPE));
        assertThat(again).hasSize(9);
        assertThat(again.get(8).isNullAt(0)).isTrue();
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(registry(), false);
            for (int i = 0; i < 8; i++) {
                byte[] bytes = again.get(i).getAs("value");
                assertThat(deserializer.deserialize("everything", bytes))
                        .as("variant " + i)
                        .isEqualTo(records.get(i));
            }
        }
        assertThat(decoded.select("v.color", "v.choice.member1", "v.address.lines")
                        .collectAsList()
                        .get(2)
                        .toString())
                .isEqualTo("[RED,forty-two,WrappedArray([line 2])]".replace("WrappedArray", "ArraySeq"));
    }

    @Test
    void aStructRoundTripsThroughItsDerivedAndRegisteredSchema() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> people = spark.sql("SELECT named_struct("
                + "'name', 'ada', 'age', CAST(36 AS SMALLINT), 'amount', CAST(12.3456 AS DECIMAL(12,4)),"
                + " 'when', TIMESTAMP'2024-01-02 03:04:05.678901', 'local', TIMESTAMP_NTZ'2024-01-02 03:04:05.1',"
                + " 'day', DATE'2024-02-29', 'raw', X'CAFE', 'flags', array(true, false),"
                + " 'attrs', map('a', 1L, 'b', CAST(NULL AS BIGINT)), 'inner', named_struct('x', 1.5D, 'y', CAST(NULL AS FLOAT)),"
                + " 'nothing', CAST(NULL AS STRING)) AS person");

        List<Row> encoded = people.select(to_millrace_avro(col("person"), "people-value", registry())
                        .alias("value"))
                .collectAsList();
        // decoding looks the subject up when the column is made: after the encoding registered it
        Dataset<Row> decoded = spark.createDataFrame(encoded, new StructType().add("value", DataTypes.BinaryType))
                .select(from_millrace_avro(col("value"), "people-value", registry())
                        .alias("person"));

        assertThat(decoded.collectAsList()).isEqualTo(people.collectAsList());
        SchemaRegistryClient client = new CachedSchemaRegistryClient(List.of(broker.registryUrl()), 10);
        assertThat(client.getLatestSchemaMetadata("people-value").schema()).contains("\"name\":\"topLevelRecord\"");
    }

    @Test
    void theSinkEncoderRegistersTheStructsSchemaUnderTheTopicsSubject() throws Exception {
        StructType valueType =
                new StructType().add("id", DataTypes.LongType, false).add("name", DataTypes.StringType);
        Map<String, String> options = with(with(registry(), "topic", "orders"), "valueFormat", "avro");

        AvroSinkEncoder encoder =
                AvroSinkEncoder.forColumn(options, "value", 1, valueType).orElseThrow();
        byte[] bytes = encoder.encode(new GenericInternalRow(new Object[] {
            null, new GenericInternalRow(new Object[] {7L, UTF8String.fromString("ada")})
        }));

        SchemaRegistryClient client = new CachedSchemaRegistryClient(List.of(broker.registryUrl()), 10);
        assertThat(WireFormat.schemaId(bytes))
                .isEqualTo(client.getLatestSchemaMetadata("orders-value").id());
        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(registry(), false);
            assertThat(deserializer.deserialize("orders", bytes).toString())
                    .isEqualTo("{\"id\": 7, \"name\": \"ada\"}");
        }
        assertThat(encoder.encode(new GenericInternalRow(new Object[] {null, null})))
                .isNull();
        assertThat(AvroSinkEncoder.forColumn(options, "key", 0, DataTypes.BinaryType))
                .isEmpty();
    }

    @Test
    void theSinkEncoderWritesWithAGivenVersionMatchingFieldsByName() throws Exception {
        StructType first = new StructType().add("id", DataTypes.LongType).add("note", DataTypes.StringType);
        Map<String, String> options = with(with(registry(), "valueSubject", "notes-value"), "valueFormat", "avro");
        int version1 = AvroSinkEncoder.forColumn(options, "value", 0, first)
                .orElseThrow()
                .schemaId();
        StructType reordered =
                new StructType().add("note", DataTypes.StringType).add("id", DataTypes.LongType);

        AvroSinkEncoder encoder = AvroSinkEncoder.forColumn(
                        with(options, "valueSchemaVersion", "1"), "value", 0, reordered)
                .orElseThrow();
        byte[] bytes = encoder.encode(new GenericInternalRow(
                new Object[] {new GenericInternalRow(new Object[] {UTF8String.fromString("hi"), 5L})}));

        try (KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer()) {
            deserializer.configure(registry(), false);
            assertThat(deserializer.deserialize("notes", bytes).toString()).isEqualTo("{\"id\": 5, \"note\": \"hi\"}");
        }
        assertThat(encoder.schemaId()).isEqualTo(version1);
    }

    @Test
    void badUseFailsClearly() {
        StructType valueType = new StructType().add("id", DataTypes.LongType);
        Map<String, String> avro = with(registry(), "valueFormat", "avro");

        assertThatThrownBy(() -> AvroSinkEncoder.forColumn(avro, "value", 0, valueType))
                .hasMessageContaining("Option 'valueSubject' is required with valueFormat=avro when the write has no"
                        + " 'topic' option");
        assertThatThrownBy(() -> AvroSinkEncoder.forColumn(
                        with(with(avro, "topic", "unregistered"), "schema.registry.auto.register.schemas", "false"),
                        "value",
                        0,
                        valueType))
                .hasMessageContaining(
                        "has no schema like that of struct<id:bigint> under subject 'unregistered-value'");
        assertThatThrownBy(() -> AvroSinkEncoder.forColumn(with(avro, "topic", "t"), "value", 0, DataTypes.StringType))
                .hasMessageContaining("Only a struct column can be written as Avro with a schema derived from it");
        assertThatThrownBy(() ->
                        AvroSinkEncoder.forColumn(Map.of("valueFormat", "avro", "topic", "t"), "value", 0, valueType))
                .hasMessageContaining("Option 'schema.registry.url' (the schema registry's URL) is required with"
                        + " valueFormat=avro");
        assertThatThrownBy(() -> from_millrace_avro(col("value"), "missing-value", registry()))
                .hasMessageContaining("has no version of subject 'missing-value'");
        assertThatThrownBy(() -> from_millrace_avro(col("value"), "x", with(registry(), "schemaVersion", "0")))
                .hasMessageContaining("Invalid value '0' for option 'schemaVersion'");
    }

    private static Map<String, String> registry() {
        return Map.of("schema.registry.url", broker.registryUrl());
    }

    private static Map<String, String> with(Map<String, String> options, String name, String value) {
        Map<String, String> changed = new HashMap<>(options);
        changed.put(name, value);
        return changed;
    }
}
