package io.millrace.flink.formats.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

/** The JSON Schema derived from a row type, keyword by keyword. */
class RowTypeJsonSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void notNullColumnsAreRequiredAndNullableOnesAllowNull() throws Exception {
        RowType row = (RowType) DataTypes.ROW(
                        DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                        DataTypes.FIELD("name", DataTypes.STRING()))
                .notNull()
                .getLogicalType();

        assertThat(JSON.readTree(RowTypeJsonSchema.of(row)))
                .isEqualTo(JSON.readTree("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
                        + "\"type\":\"object\",\"properties\":{"
                        + "\"id\":{\"type\":\"integer\"},"
                        + "\"name\":{\"oneOf\":[{\"type\":\"null\"},{\"type\":\"string\"}]}},"
                        + "\"required\":[\"id\"],\"additionalProperties\":false}"));
    }

    @Test
    void everyTypeFlinkJsonWritesHasItsJsonSchema() throws Exception {
        RowType row = (RowType) DataTypes.ROW(
                        DataTypes.FIELD("b", DataTypes.BOOLEAN().notNull()),
                        DataTypes.FIELD("t", DataTypes.TINYINT().notNull()),
                        DataTypes.FIELD("s", DataTypes.SMALLINT().notNull()),
                        DataTypes.FIELD("i", DataTypes.INT().notNull()),
                        DataTypes.FIELD(
                                "ym",
                                DataTypes.INTERVAL(DataTypes.YEAR(), DataTypes.MONTH())
                                        .notNull()),
                        DataTypes.FIELD(
                                "dt",
                                DataTypes.INTERVAL(DataTypes.DAY(), DataTypes.SECOND(3))
                                        .notNull()),
                        DataTypes.FIELD("f", DataTypes.FLOAT().notNull()),
                        DataTypes.FIELD("d", DataTypes.DOUBLE().notNull()),
                        DataTypes.FIELD("dec", DataTypes.DECIMAL(10, 2).notNull()),
                        DataTypes.FIELD("c", DataTypes.CHAR(3).notNull()),
                        DataTypes.FIELD("bin", DataTypes.BYTES().notNull()),
                        DataTypes.FIELD("day", DataTypes.DATE().notNull()),
                        DataTypes.FIELD("tm", DataTypes.TIME(3).notNull()),
                        DataTypes.FIELD("ts", DataTypes.TIMESTAMP(3).notNull()),
                        DataTypes.FIELD("ltz", DataTypes.TIMESTAMP_LTZ(3).notNull()),
                        DataTypes.FIELD("arr", DataTypes.ARRAY(DataTypes.INT()).notNull()),
                        DataTypes.FIELD(
                                "m",
                                DataTypes.MAP(
                                                DataTypes.STRING(),
                                                DataTypes.DOUBLE().notNull())
                                        .notNull()),
                        DataTypes.FIELD(
                                "ms", DataTypes.MULTISET(DataTypes.STRING()).notNull()),
                        DataTypes.FIELD(
                                "r",
                                DataTypes.ROW(DataTypes.FIELD(
                                                "x", DataTypes.INT().notNull()))
                                        .notNull()))
                .notNull()
                .getLogicalType();

        JsonNode properties = JSON.readTree(RowTypeJsonSchema.of(row)).get("properties");

        assertThat(properties.get("b")).hasToString("{\"type\":\"boolean\"}");
        for (String integer : new String[] {"t", "s", "i", "ym", "dt"}) {
            assertThat(properties.get(integer)).as(integer).hasToString("{\"type\":\"integer\"}");
        }
        for (String number : new String[] {"f", "d", "dec"}) {
            assertThat(properties.get(number)).as(number).hasToString("{\"type\":\"number\"}");
        }
        for (String text : new String[] {"c", "tm", "ts", "ltz"}) {
            assertThat(properties.get(text)).as(text).hasToString("{\"type\":\"string\"}");
        }
        assertThat(properties.get("bin")).hasToString("{\"type\":\"string\",\"contentEncoding\":\"base64\"}");
        assertThat(properties.get("day")).hasToString("{\"type\":\"string\",\"format\":\"date\"}");
        assertThat(properties.get("arr"))
                .hasToString("{\"type\":\"array\",\"items\":{\"oneOf\":[{\"type\":\"null\"},{\"type\":\"integer\"}]}}");
        assertThat(properties.get("m"))
                .hasToString("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}");
        assertThat(properties.get("ms"))
                .hasToString("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}");
        assertThat(properties.get("r"))
                .hasToString("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}},"
                        + "\"required\":[\"x\"],\"additionalProperties\":false}");
    }

    @Test
    void aTypeFlinkJsonCannotWriteIsRefusedNamingIt() {
        RowType row = (RowType) DataTypes.ROW(DataTypes.FIELD(
                        "at", DataTypes.TIMESTAMP_WITH_TIME_ZONE(3).notNull()))
                .getLogicalType();

        assertThatThrownBy(() -> RowTypeJsonSchema.of(row))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("millrace-json")
                .hasMessageContaining("TIMESTAMP(3) WITH TIME ZONE");
    }

    @Test
    void anExplicitSchemaMustBeAJsonSchemaDocument() {
        assertThat(RowTypeJsonSchema.checkDocument("{\"type\":\"object\"}")).isEqualTo("{\"type\":\"object\"}");
        assertThat(RowTypeJsonSchema.checkDocument("true")).isEqualTo("true");
        assertThatThrownBy(() -> RowTypeJsonSchema.checkDocument("{\"type\":"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> RowTypeJsonSchema.checkDocument("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a JSON object or a boolean");
    }
}
