package io.millrace.spark.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Avro ↔ Spark SQL types and values without a registry. */
class AvroConversionTest {

    @Test
    void everyAvroTypeMapsToItsSparkType() {
        StructType type = (StructType) AvroSqlTypes.toSqlType(AvroTestSchemas.EVERY_TYPE);

        assertThat(type.catalogString())
                .isEqualTo("struct<b:boolean,i:int,l:bigint,f:float,d:double,s:string,bytes:binary,"
                        + "nullableString:string,stringOrNull:string,color:string,md5:binary,price:decimal(9,2),"
                        + "fixedPrice:decimal(18,3),day:date,millis:timestamp,micros:timestamp,"
                        + "localMillis:timestamp_ntz,localMicros:timestamp_ntz,timeMillis:int,id:string,"
                        + "tags:array<string>,maybeNumbers:array<bigint>,scores:map<string,double>,"
                        + "address:struct<street:string,lines:array<struct<text:string>>>,wide:bigint,"
                        + "choice:struct<member0:int,member1:string,member2:string>>");
        assertThat(type.apply("nullableString").nullable()).isTrue();
        assertThat(type.apply("stringOrNull").nullable()).isTrue();
        assertThat(type.apply("s").nullable()).isFalse();
        assertThat(((ArrayType) type.apply("maybeNumbers").dataType()).containsNull())
                .isTrue();
    }

    @Test
    void everyAvroValueRoundTripsThroughSparksInternalValues() {
        AvroToSql toSql = AvroToSql.of(AvroTestSchemas.EVERY_TYPE);
        DataType type = AvroSqlTypes.toSqlType(AvroTestSchemas.EVERY_TYPE);
        SqlToAvro toAvro = SqlToAvro.of(type, AvroTestSchemas.EVERY_TYPE);

        for (int variant = 0; variant < 8; variant++) {
            GenericRecord record = AvroTestSchemas.everything(variant);
            InternalRow row = (InternalRow) toSql.convert(record);
            assertThat(toAvro.convert(row)).as("variant " + variant).isEqualTo(record);
        }
    }

    @Test
    void timestampsAreMicrosecondsAndDecimalsKeepTheirScale() {
        InternalRow row = (InternalRow) AvroToSql.of(AvroTestSchemas.EVERY_TYPE).convert(AvroTestSchemas.everything(1));
        StructType type = (StructType) AvroSqlTypes.toSqlType(AvroTestSchemas.EVERY_TYPE);

        assertThat(row.getLong(type.fieldIndex("millis"))).isEqualTo(1_700_000_000_124_000L);
        assertThat(row.getLong(type.fieldIndex("micros"))).isEqualTo(1_700_000_000_123_457L);
        assertThat(row.getDecimal(type.fieldIndex("price"), 9, 2).toString()).isEqualTo("-1234567.81");
        assertThat(row.getInt(type.fieldIndex("day"))).isEqualTo(19_001);
        assertThat(row.getStruct(type.fieldIndex("choice"), 3).getInt(0)).isEqualTo(42);
        assertThat(row.getStruct(type.fieldIndex("choice"), 3).isNullAt(1)).isTrue();
    }

    @Test
    void aSparkStructRoundTripsThroughItsDerivedSchema() {
        StructType struct = new StructType()
                .add("name", DataTypes.StringType, false)
                .add("age", DataTypes.ShortType)
                .add("amount", DataTypes.createDecimalType(12, 4))
                .add("when", DataTypes.TimestampType)
                .add("local", DataTypes.TimestampNTZType)
                .add("day", DataTypes.DateType)
                .add("raw", DataTypes.BinaryType)
                .add("flags", DataTypes.createArrayType(DataTypes.BooleanType, false))
                .add("attrs", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true))
                .add("inner", new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.FloatType));
        Schema schema = AvroSqlTypes.toAvroSchema(struct, "Person", "test");

        assertThat(schema.getField("name").schema().getType()).isEqualTo(Schema.Type.STRING);
        assertThat(schema.getField("age").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.INT);
        assertThat(schema.getField("age").defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
        assertThat(schema.getField("inner").schema().getTypes().get(1).getFullName())
                .isEqualTo("test.Person_inner");
        StructType back = (StructType) AvroSqlTypes.toSqlType(schema);
        assertThat(back.apply("age").dataType()).isEqualTo(DataTypes.IntegerType);
        assertThat(back.apply("amount").dataType()).isEqualTo(DataTypes.createDecimalType(12, 4));
        assertThat(back.apply("when").dataType()).isEqualTo(DataTypes.TimestampType);
        assertThat(back.apply("local").dataType()).isEqualTo(DataTypes.TimestampNTZType);
        assertThat(back.apply("day").dataType()).isEqualTo(DataTypes.DateType);
        assertThat(back.apply("attrs").dataType())
                .isEqualTo(DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, true));
    }

    @Test
    void unsupportedSchemasAndTypesFailNamingWhere() {
        Schema recursive = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                        + "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
        Schema nanos = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\","
                        + "\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}}]}");

        assertThatThrownBy(() -> AvroSqlTypes.toSqlType(recursive))
                .isInstanceOf(UnsupportedAvroTypeException.class)
                .hasMessageContaining("recursive record Node")
                .hasMessageContaining("Node.next");
        assertThatThrownBy(() -> AvroToSql.of(nanos))
                .isInstanceOf(UnsupportedAvroTypeException.class)
                .hasMessageContaining("timestamp-nanos")
                .hasMessageContaining("T.at");
        assertThatThrownBy(() -> AvroSqlTypes.toAvroSchema(
                        new StructType().add("m", DataTypes.createMapType(DataTypes.IntegerType, DataTypes.StringType)),
                        "R",
                        null))
                .isInstanceOf(UnsupportedAvroTypeException.class)
                .hasMessageContaining("map with int keys");
        assertThatThrownBy(() ->
                        AvroSqlTypes.toAvroSchema(new StructType().add("i", DataTypes.CalendarIntervalType), "R", null))
                .hasMessageContaining("the Spark type interval at i");
    }

    @Test
    void writingAStructThatDoesNotFitTheSchemaFailsNamingTheField() {
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"C\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                        + "{\"name\":\"color\",\"type\":{\"type\":\"enum\",\"name\":\"Color\",\"symbols\":[\"RED\"]}},"
                        + "{\"name\":\"note\",\"type\":\"string\",\"default\":\"none\"}]}");

        assertThatThrownBy(() -> SqlToAvro.of(new StructType().add("color", DataTypes.StringType), schema))
                .hasMessageContaining("no field 'id'");
        assertThatThrownBy(() -> SqlToAvro.of(
                        new StructType().add("id", DataTypes.StringType).add("color", DataTypes.StringType), schema))
                .hasMessageContaining("Cannot write the Spark type string at C.id as the Avro type \"long\"");
        SqlToAvro toAvro =
                SqlToAvro.of(new StructType().add("color", DataTypes.StringType).add("id", DataTypes.LongType), schema);
        GenericData.Record written = (GenericData.Record)
                toAvro.convert(new GenericInternalRow(new Object[] {UTF8String.fromString("RED"), 7L}));
        assertThat(written.toString()).isEqualTo("{\"id\": 7, \"color\": \"RED\", \"note\": \"none\"}");
        assertThatThrownBy(
                        () -> toAvro.convert(new GenericInternalRow(new Object[] {UTF8String.fromString("BLUE"), 7L})))
                .hasMessageContaining("'BLUE' at C.color is not a symbol of the Avro enum Color [RED]");
        assertThatThrownBy(() -> toAvro.convert(new GenericInternalRow(new Object[] {null, 7L})))
                .hasMessageContaining("A null at C.color where the Avro schema does not allow null");
    }
}
