package io.millrace.schema.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.Mode;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.SchemaReference;
import io.millrace.schema.store.StoreKey.ConfigKey;
import io.millrace.schema.store.StoreKey.ModeKey;
import io.millrace.schema.store.StoreKey.SchemaKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden records of the _schemas topic format: what is on disk must stay readable. */
class StoreCodecTest {

    @Test
    void schemaRecordsHaveTheDocumentedJson() throws Exception {
        SchemaKey key = new SchemaKey("orders-value", 2, 41, "node-a");
        RegisteredSchema value = new RegisteredSchema(
                "orders-value",
                2,
                7,
                "AVRO",
                "\"long\"",
                List.of(new SchemaReference("acme.Money", "money", 1)),
                false);
        assertThat(text(StoreCodec.encodeKey(key)))
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":2,\"magic\":1,\"seq\":41,"
                        + "\"node\":\"node-a\"}");
        assertThat(text(StoreCodec.encodeSchema(value)))
                .isEqualTo(
                        "{\"subject\":\"orders-value\",\"version\":2,\"id\":7,\"schemaType\":\"AVRO\",\"schema\":\"\\\"long\\\"\","
                                + "\"references\":[{\"name\":\"acme.Money\",\"subject\":\"money\",\"version\":1}],\"deleted\":false}");
        assertThat(StoreCodec.decodeKey(StoreCodec.encodeKey(key))).isEqualTo(key);
        assertThat(StoreCodec.decodeSchema(StoreCodec.encodeSchema(value))).isEqualTo(value);
    }

    @Test
    void configAndModeRecordsHaveTheDocumentedJson() throws Exception {
        assertThat(text(StoreCodec.encodeKey(new ConfigKey(null))))
                .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
        assertThat(text(StoreCodec.encodeConfig(CompatibilityLevel.FULL_TRANSITIVE)))
                .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        assertThat(text(StoreCodec.encodeKey(new ModeKey("s"))))
                .isEqualTo("{\"keytype\":\"MODE\",\"subject\":\"s\",\"magic\":0}");
        assertThat(StoreCodec.decodeMode("{\"mode\":\"IMPORT\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Mode.IMPORT);
        assertThat(StoreCodec.decodeKey(
                        "{\"keytype\":\"CONFIG\",\"subject\":\"s\",\"magic\":0}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ConfigKey("s"));
        assertThat(StoreCodec.decodeKey("{\"keytype\":\"NOOP\"}".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
