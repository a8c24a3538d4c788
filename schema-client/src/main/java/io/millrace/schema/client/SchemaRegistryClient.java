package io.millrace.schema.client;

import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;

/** What the serializers need from a schema registry. Implementations are thread-safe. */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (POST /subjects/{subject}/versions); returns its id. */
    int register(String subject, Schema schema, boolean normalize) throws IOException, RestClientException;

    /** The id of {@code schema} under {@code subject} without registering it (POST /subjects/{subject}). */
    int getId(String subject, Schema schema, boolean normalize) throws IOException, RestClientException;

    /** The schema with {@code id}, its references resolved (GET /schemas/ids/{id}). */
    Schema getSchemaById(int id) throws IOException, RestClientException;

    /**
     * Registers a schema of any type by its text under {@code subject}, with its {@code schemaType}
     * (POST /subjects/{subject}/versions); returns its id.
     */
    int register(String subject, SchemaString schema, boolean normalize) throws IOException, RestClientException;

    /** The id of a schema of any type under {@code subject} without registering it (POST /subjects/{subject}). */
    int getId(String subject, SchemaString schema, boolean normalize) throws IOException, RestClientException;

    /** The type, text and references of the schema with {@code id}, unparsed (GET /schemas/ids/{id}). */
    SchemaString getSchemaStringById(int id) throws IOException, RestClientException;

    /** The newest version of {@code subject} (GET /subjects/{subject}/versions/latest). */
    SchemaMetadata getLatestSchemaMetadata(String subject) throws IOException, RestClientException;

    /** One version of {@code subject}. */
    SchemaMetadata getSchemaMetadata(String subject, int version) throws IOException, RestClientException;

    List<String> getAllSubjects() throws IOException, RestClientException;
}
