package io.millrace.spark.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/** An Avro schema with every type the conversion supports, and records of it. */
final class AvroTestSchemas {

    static final Schema EVERY_TYPE = new Schema.Parser()
            .parse(
                    """
            {"type": "record", "name": "Everything", "namespace": "test", "fields": [
              {"name": "b", "type": "boolean"},
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "string"},
              {"name": "bytes", "type": "bytes"},
              {"name": "nullableString", "type": ["null", "string"], "default": null},
              {"name": "stringOrNull", "type": ["string", "null"]},
              {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
              {"name": "md5", "type": {"type": "fixed", "name": "Md5", "size": 4}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "fixedPrice", "type": {"type": "fixed", "name": "Money", "size": 8,
                  "logicalType": "decimal", "precision": 18, "scale": 3}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "micros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "localMillis", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
              {"name": "localMicros", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
              {"name": "timeMillis", "type": {"type": "int", "logicalType": "time-millis"}},
              {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "maybeNumbers", "type": {"type": "array", "items": ["null", "long"]}},
              {"name": "scores", "type": {"type": "map", "values": "double"}},
              {"name": "address", "type": ["null", {"type": "record", "name": "Address", "fields": [
                  {"name": "street", "type": "string"},
                  {"name": "lines", "type": {"type": "array", "items": "Address_line"}}]}], "default": null},
              {"name": "wide", "type": ["int", "long"]},
              {"name": "choice", "type": ["null", "int", "string", "Color"]}
            ]}
            """.replace(
                                    "\"Address_line\"",
                                    "{\"type\": \"record\", \"name\": \"Line\", \"fields\": [{\"name\": \"text\", \"type\": \"string\"}]}"));

    private AvroTestSchemas() {}

    /** A record of {@link #EVERY_TYPE} with every field set ({@code variant} makes values differ). */
    static GenericRecord everything(int variant) {
        Schema schema = EVERY_TYPE;
        GenericData.Record address = new GenericData.Record(
                schema.getField("address").schema().getTypes().get(1));
        Schema lineSchema = address.getSchema().getField("lines").schema().getElementType();
        GenericData.Record line = new GenericData.Record(lineSchema);
        line.put("text", new Utf8("line " + variant));
        address.put("street", new Utf8("Main St " + variant));
        address.put("lines", List.of(line));
        GenericData.Record record = new GenericData.Record(schema);
        record.put("b", variant % 2 == 0);
        record.put("i", -variant);
        record.put("l", 1L << 40 | variant);
        record.put("f", 1.5f * variant);
        record.put("d", -2.25 * variant);
        record.put("s", new Utf8("text " + variant));
        record.put("bytes", ByteBuffer.wrap(new byte[] {1, 2, (byte) variant}));
        record.put("nullableString", variant % 2 == 0 ? null : new Utf8("maybe"));
        record.put("stringOrNull", new Utf8("present"));
        record.put(
                "color",
                new GenericData.EnumSymbol(schema.getField("color").schema(), variant % 2 == 0 ? "RED" : "GREEN"));
        record.put("md5", new GenericData.Fixed(schema.getField("md5").schema(), new byte[] {9, 8, 7, (byte) variant}));
        record.put(
                "price",
                decimalBytes(
                        new BigDecimal("-1234567.8" + variant),
                        schema.getField("price").schema()));
        record.put(
                "fixedPrice",
                decimalFixed(
                        new BigDecimal("-98765.43" + variant),
                        schema.getField("fixedPrice").schema()));
        record.put("day", 19_000 + variant);
        record.put("millis", 1_700_000_000_123L + variant);
        record.put("micros", 1_700_000_000_123_456L + variant);
        record.put("localMillis", 1_600_000_000_321L + variant);
        record.put("localMicros", 1_600_000_000_321_654L + variant);
        record.put("timeMillis", 3_600_000 + variant);
        record.put("id", new Utf8("6f1c1b6e-0000-4000-8000-00000000000" + variant));
        record.put("tags", List.of(new Utf8("a"), new Utf8("b" + variant)));
        record.put("maybeNumbers", Arrays.asList(1L, null, (long) variant));
        record.put("scores", Map.of(new Utf8("x"), 0.5, new Utf8("y" + variant), 1.0));
        record.put("address", variant % 3 == 0 ? null : address);
        record.put("wide", (long) variant << 33);
        record.put(
                "choice",
                switch (variant % 4) {
                    case 0 -> null;
                    case 1 -> 42;
                    case 2 -> new Utf8("forty-two");
                    default ->
                        new GenericData.EnumSymbol(schema.getField("color").schema(), "GREEN");
                });
        return record;
    }

    private static ByteBuffer decimalBytes(BigDecimal value, Schema schema) {
        return new Conversions.DecimalConversion().toBytes(value, schema, LogicalTypes.fromSchema(schema));
    }

    private static GenericData.Fixed decimalFixed(BigDecimal value, Schema schema) {
        return (GenericData.Fixed)
                new Conversions.DecimalConversion().toFixed(value, schema, LogicalTypes.fromSchema(schema));
    }
}
