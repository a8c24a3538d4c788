package io.millrace.schema.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.schema.core.CompatibilityLevel;
import io.millrace.schema.core.Mode;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.SchemaReference;
import io.millrace.schema.store.StoreKey.ConfigKey;
import io.millrace.schema.store.StoreKey.ModeKey;
import io.millrace.schema.store.StoreKey.SchemaKey;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The record format of the {@code _schemas} topic: UTF-8 JSON keys and values, Confluent-like.
 *
 * <pre>
 * key   {"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1,"seq":41,"node":"5f0c…"}
 * value {"subject":"orders-value","version":2,"id":7,"schemaType":"AVRO","schema":"{…}",
 *        "references":[{"name":"com.acme.Money","subject":"money","version":1}],"deleted":false}
 * key   {"keytype":"CONFIG","subject":"orders-value","magic":0}     ("subject":null = global)
 * value {"compatibilityLevel":"FULL"}
 * key   {"keytype":"MODE","subject":null,"magic":0}
 * value {"mode":"IMPORT"}
 * </pre>
 *
 * A null value (tombstone) deletes the key: a permanently deleted version, a removed config or
 * mode. Keys of other types are ignored when read, so a newer writer's record types do not stop
 * an older reader. Stateless, thread-safe.
 */
public final class StoreCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreCodec() {}

    public static byte[] encodeKey(StoreKey key) {
        ObjectNode node = JSON.createObjectNode();
        if (key instanceof SchemaKey k) {
            node.put("keytype", "SCHEMA")
                    .put("subject", k.subject())
                    .put("version", k.version())
                    .put("magic", 1)
                    .put("seq", k.seq())
                    .put("node", k.node());
        } else if (key instanceof ConfigKey k) {
            node.put("keytype", "CONFIG").put("subject", k.subject()).put("magic", 0);
        } else if (key instanceof ModeKey k) {
            node.put("keytype", "MODE").put("subject", k.subject()).put("magic", 0);
        }
        return bytes(node);
    }

    /** @return the key, or null for a key type this version does not know */
    public static StoreKey decodeKey(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        String subject = node.path("subject").isTextual() ? node.get("subject").asText() : null;
        switch (node.path("keytype").asText()) {
            case "SCHEMA":
                if (subject == null || !node.path("version").canConvertToInt() || !node.has("seq")) {
                    throw new IOException("SCHEMA key without subject, version or seq: " + node);
                }
                return new SchemaKey(
                        subject,
                        node.get("version").asInt(),
                        node.get("seq").asLong(),
                        node.path("node").asText(""));
            case "CONFIG":
                return new ConfigKey(subject);
            case "MODE":
                return new ModeKey(subject);
            default:
                return null;
        }
    }

    public static byte[] encodeSchema(RegisteredSchema schema) {
        ObjectNode node = JSON.createObjectNode()
                .put("subject", schema.subject())
                .put("version", schema.version())
                .put("id", schema.id())
                .put("schemaType", schema.schemaType())
                .put("schema", schema.schema());
        ArrayNode refs = node.putArray("references");
        for (SchemaReference r : schema.references()) {
            refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
        }
        node.put("deleted", schema.deleted());
        return bytes(node);
    }

    public static RegisteredSchema decodeSchema(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        if (!node.path("schema").isTextual() || !node.path("id").canConvertToInt()) {
            throw new IOException("SCHEMA value without schema or id");
        }
        return new RegisteredSchema(
                node.path("subject").asText(),
                node.path("version").asInt(),
                node.get("id").asInt(),
                node.path("schemaType").asText("AVRO"),
                node.get("schema").asText(),
                SchemaReference.fromJson(node.path("references")),
                node.path("deleted").asBoolean(false));
    }

    public static byte[] encodeConfig(CompatibilityLevel level) {
        return bytes(JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    public static CompatibilityLevel decodeConfig(byte[] bytes) throws IOException {
        String name = JSON.readTree(bytes).path("compatibilityLevel").asText();
        return CompatibilityLevel.parse(name).orElseThrow(() -> new IOException("unknown level " + name));
    }

    public static byte[] encodeMode(Mode mode) {
        return bytes(JSON.createObjectNode().put("mode", mode.name()));
    }

    public static Mode decodeMode(byte[] bytes) throws IOException {
        String name = JSON.readTree(bytes).path("mode").asText();
        return Mode.parse(name).orElseThrow(() -> new IOException("unknown mode " + name));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
