package io.millrace.schema.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.RegistryException;
import io.millrace.schema.core.SchemaIdentity;
import io.millrace.schema.core.SchemaReference;
import io.millrace.schema.registry.RegisterRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * JSON bodies in and out, in Confluent's shapes. Bad bodies become 4xx with an error_code:
 * unparsable JSON 400, a body of the wrong shape 422, a missing or unusable schema 42201.
 * Stateless, thread-safe.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> REGISTER_FIELDS = Set.of(
            "schema",
            "schemaType",
            "references",
            "id",
            "version",
            "metadata",
            "ruleSet",
            "schemaTagsToAdd",
            "schemaTagsToRemove",
            "propagateSchemaTags");

    private Json() {}

    static JsonNode parseBody(byte[] body) {
        if (body == null || body.length == 0) {
            throw new RegistryException(400, 400, "The request body is empty; a JSON object is required");
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new RegistryException(400, 400, "Malformed JSON in the request body: " + detail);
        }
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render a response", e);
        }
    }

    /** Reads {schema, schemaType, references, id, version}. */
    static RegisterRequest registerRequest(JsonNode body) {
        ObjectNode object = object(body);
        object.fieldNames().forEachRemaining(name -> {
            if (!REGISTER_FIELDS.contains(name)) {
                throw unprocessable("Unrecognized field: " + name);
            }
        });
        JsonNode schema = object.get("schema");
        if (schema == null
                || schema.isNull()
                || (schema.isTextual() && schema.asText().isBlank())) {
            throw RegistryErrors.invalidSchema("Empty schema");
        }
        if (!schema.isTextual()) {
            throw RegistryErrors.invalidSchema("Invalid schema: 'schema' must be a string holding the schema");
        }
        String type = optionalText(object, "schemaType");
        List<SchemaReference> references = new ArrayList<>();
        JsonNode refs = object.get("references");
        if (refs != null && !refs.isNull()) {
            if (!refs.isArray()) {
                throw unprocessable("'references' must be an array of {name, subject, version}");
            }
            for (JsonNode r : refs) {
                if (!r.path("name").isTextual()
                        || !r.path("subject").isTextual()
                        || !r.path("version").isInt()) {
                    throw RegistryErrors.invalidSchema("Invalid schema: each reference needs a string name, a string "
                            + "subject and an integer version; got " + r);
                }
                references.add(new SchemaReference(
                        r.get("name").asText(),
                        r.get("subject").asText(),
                        r.get("version").asInt()));
            }
        }
        return new RegisterRequest(
                schema.asText(), type, references, optionalInt(object, "id"), optionalInt(object, "version"));
    }

    /** The string field {@code name} of an object body (e.g. {"compatibility": "FULL"}). */
    static String textField(JsonNode body, String name) {
        ObjectNode object = object(body);
        return optionalText(object, name);
    }

    static ObjectNode schemaVersion(RegisteredSchema s) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("subject", s.subject())
                .put("version", s.version())
                .put("id", s.id());
        addTypeAndReferences(node, s.schemaType(), s.references());
        node.put("schema", s.schema());
        return node;
    }

    static ObjectNode schemaById(SchemaIdentity identity) {
        ObjectNode node = MAPPER.createObjectNode();
        addTypeAndReferences(node, identity.schemaType(), identity.references());
        node.put("schema", identity.schema());
        return node;
    }

    private static void addTypeAndReferences(ObjectNode node, String type, List<SchemaReference> references) {
        if (!"AVRO".equals(type)) {
            node.put("schemaType", type);
        }
        if (!references.isEmpty()) {
            ArrayNode refs = node.putArray("references");
            references.forEach(r -> refs.addObject()
                    .put("name", r.name())
                    .put("subject", r.subject())
                    .put("version", r.version()));
        }
    }

    private static ObjectNode object(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            throw unprocessable("The request body must be a JSON object");
        }
        return object;
    }

    private static String optionalText(ObjectNode object, String name) {
        JsonNode v = optional(object, name, JsonNode::isTextual, "a string");
        return v == null ? null : v.asText();
    }

    private static Integer optionalInt(ObjectNode object, String name) {
        JsonNode v = optional(object, name, JsonNode::isInt, "an integer");
        return v == null ? null : v.asInt();
    }

    /** Field {@code name}, null when absent or null; 422 when it is not {@code what}. */
    private static JsonNode optional(ObjectNode object, String name, Predicate<JsonNode> is, String what) {
        JsonNode v = object.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!is.test(v)) {
            throw unprocessable("'" + name + "' must be " + what);
        }
        return v;
    }

    static RegistryException unprocessable(String message) {
        return new RegistryException(422, 422, message);
    }
}
