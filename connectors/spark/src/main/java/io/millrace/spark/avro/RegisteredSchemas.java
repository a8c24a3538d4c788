package io.millrace.spark.avro;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** Looks up a subject's schema in the registry, with errors that name the subject and the registry. Stateless. */
final class RegisteredSchemas {

    private RegisteredSchemas() {}

    /**
     * The schema of {@code subject}: its latest version when {@code version} is null.
     *
     * @param subjectOption the option that named the subject (or that would have), for messages
     */
    static SchemaMetadata lookUp(RegistrySettings registry, String subject, Integer version, String subjectOption) {
        try {
            return version == null
                    ? registry.client().getLatestSchemaMetadata(subject)
                    : registry.client().getSchemaMetadata(subject, version);
        } catch (RestClientException e) {
            throw new IllegalArgumentException(
                    "The schema registry at " + registry.url() + " has no "
                            + (version == null ? "version" : "version " + version) + " of subject '" + subject
                            + "' (option '" + subjectOption + "'): " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot reach the schema registry at " + registry.url() + ": " + e.getMessage(), e);
        }
    }

    /** The Avro schema of a registered version, its references resolved; only Avro subjects are read. */
    static Schema avroSchema(RegistrySettings registry, SchemaMetadata metadata) {
        if (metadata.schemaType() != null && !metadata.schemaType().equalsIgnoreCase("AVRO")) {
            throw new IllegalArgumentException("Subject '" + metadata.subject() + "' holds a " + metadata.schemaType()
                    + " schema; only Avro schemas are read");
        }
        try {
            return registry.client().getSchemaById(metadata.id());
        } catch (RestClientException | IOException e) {
            throw new IllegalStateException(
                    "Cannot fetch schema id " + metadata.id() + " from the schema registry at " + registry.url() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
