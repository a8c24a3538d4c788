package io.millrace.schema.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A schema's reference to a named type registered under another subject (Confluent's
 * {@code {"name","subject","version"}}); for Avro, {@code name} is the referenced type's full name.
 */
public record SchemaReference(
        @JsonProperty("name") String name,
        @JsonProperty("subject") String subject,
        @JsonProperty("version") int version) {

    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }

    /**
     * The references of a {@code "references"} array as the registry stores and answers them
     * (a missing node: none; a missing field reads as {@code ""} or 0).
     */
    public static List<SchemaReference> fromJson(JsonNode references) {
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode r : references) {
            refs.add(new SchemaReference(
                    r.path("name").asText(),
                    r.path("subject").asText(),
                    r.path("version").asInt()));
        }
        return refs;
    }
}
