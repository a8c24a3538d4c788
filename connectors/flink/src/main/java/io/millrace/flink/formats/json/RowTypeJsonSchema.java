package io.millrace.flink.formats.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The JSON Schema (draft 7) of the JSON that flink-json writes for a row type, registered by the
 * {@code millrace-json} format when the table names no schema:
 *
 * <pre>
 * BOOLEAN                                  {"type":"boolean"}
 * TINYINT, SMALLINT, INT, BIGINT, INTERVAL {"type":"integer"}
 * FLOAT, DOUBLE, DECIMAL                   {"type":"number"}
 * CHAR, VARCHAR                            {"type":"string"}
 * BINARY, VARBINARY                        {"type":"string","contentEncoding":"base64"}
 * DATE                                     {"type":"string","format":"date"}
 * TIME, TIMESTAMP, TIMESTAMP_LTZ           {"type":"string"} (text as timestamp-format.standard says)
 * ARRAY&lt;T&gt;                                 {"type":"array","items":T}
 * MAP&lt;K, V&gt;                               {"type":"object","additionalProperties":V} (keys as text)
 * MULTISET&lt;T&gt;                              {"type":"object","additionalProperties":{"type":"integer"}}
 * ROW&lt;...&gt;                                 {"type":"object","properties":{...},"required":[NOT NULL fields],
 *                                           "additionalProperties":false}
 * NULL                                     {"type":"null"}
 * a nullable T                             {"oneOf":[{"type":"null"},T]}
 * </pre>
 *
 * Rows are closed content models ({@code additionalProperties: false}): under the registry's JSON
 * Schema rules, adding an optional property to a closed model is a backward compatible change, so
 * a table that gains a nullable column registers a new version of the subject. Stateless.
 */
final class RowTypeJsonSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RowTypeJsonSchema() {}

    /** The schema document of {@code rowType}, as compact JSON text. */
    static String of(RowType rowType) {
        ObjectNode root = JSON.createObjectNode().put("$schema", "http://json-schema.org/draft-07/schema#");
        root.setAll(row(rowType));
        return root.toString();
    }

    /**
     * {@code text} when it is a JSON Schema document (a JSON object or boolean); the registry
     * checks it further when it is registered.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static String checkDocument(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("The JSON Schema to register is required");
        }
        JsonNode document;
        try {
            document = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The JSON Schema is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!document.isObject() && !document.isBoolean()) {
            throw new IllegalArgumentException("A JSON Schema is a JSON object or a boolean, not: " + text);
        }
        return text;
    }

    private static ObjectNode schema(LogicalType type) {
        ObjectNode notNull = notNull(type);
        if (!type.isNullable() || type.getTypeRoot() == LogicalTypeRoot.NULL) {
            return notNull;
        }
        ObjectNode nullable = JSON.createObjectNode();
        nullable.putArray("oneOf").add(typed("null")).add(notNull);
        return nullable;
    }

    private static ObjectNode notNull(LogicalType type) {
        switch (type.getTypeRoot()) {
            case NULL:
                return typed("null");
            case BOOLEAN:
                return typed("boolean");
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
            case INTERVAL_YEAR_MONTH:
            case INTERVAL_DAY_TIME:
                return typed("integer");
            case FLOAT:
            case DOUBLE:
            case DECIMAL:
                return typed("number");
            case CHAR:
            case VARCHAR:
            case TIME_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITHOUT_TIME_ZONE:
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return typed("string");
            case BINARY:
            case VARBINARY:
                return typed("string").put("contentEncoding", "base64");
            case DATE:
                return typed("string").put("format", "date");
            case ARRAY:
                ObjectNode array = typed("array");
                array.set("items", schema(((ArrayType) type).getElementType()));
                return array;
            case MAP:
                return object(schema(((MapType) type).getValueType()));
            case MULTISET:
                // each element with its count
                return object(typed("integer"));
            case ROW:
                return row((RowType) type);
            default:
                throw new ValidationException("The millrace-json format does not support the type " + type);
        }
    }

    private static ObjectNode row(RowType rowType) {
        ObjectNode row = typed("object");
        ObjectNode properties = row.putObject("properties");
        ArrayNode required = JSON.createArrayNode();
        for (RowType.RowField field : rowType.getFields()) {
            properties.set(field.getName(), schema(field.getType()));
            if (!field.getType().isNullable()) {
                required.add(field.getName());
            }
        }
        if (!required.isEmpty()) {
            row.set("required", required);
        }
        row.put("additionalProperties", false);
        return row;
    }

    private static ObjectNode object(ObjectNode valueSchema) {
        ObjectNode object = typed("object");
        object.set("additionalProperties", valueSchema);
        return object;
    }

    private static ObjectNode typed(String type) {
        return JSON.createObjectNode().put("type", type);
    }
}
