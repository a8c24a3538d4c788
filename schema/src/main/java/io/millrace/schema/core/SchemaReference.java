package io.millrace.schema.core;

import com.fasterxml.jackson.annotation.JsonProperty;
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
}
