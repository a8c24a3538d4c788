package io.millrace.flink.formats.avro;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.serde.KafkaAvroSerdeConfig;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the schema registry is and how to reach it, as the registry client's settings under
 * Confluent's keys ({@code schema.registry.url}, {@code basic.auth.credentials.source},
 * {@code basic.auth.user.info}, ...). Serializable, so it travels with a job graph; each task
 * creates its own client from it. Shared by the registry formats of every schema type. Immutable.
 */
public final class RegistrySettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> configs;

    private RegistrySettings(Map<String, String> configs) {
        this.configs = new HashMap<>(configs);
    }

    /**
     * @param url the registry's URL(s), comma-separated; user info in the URL is used for basic auth
     * @param clientConfigs further settings of the client (Confluent's keys); the URL wins over a
     *     {@code schema.registry.url} among them
     */
    public static RegistrySettings of(String url, Map<String, String> clientConfigs) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("The schema registry URL is required");
        }
        Map<String, String> configs = new HashMap<>(clientConfigs);
        configs.put(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        return new RegistrySettings(configs);
    }

    public String url() {
        return configs.get(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }

    /**
     * The failure to register a schema under {@code subject} or, without auto-registration, to find
     * it registered there.
     */
    public IOException registrationFailure(String subject, boolean autoRegister, RestClientException cause) {
        return new IOException(
                (autoRegister
                                ? "Cannot register the schema under subject '"
                                : "The schema is not registered under subject '")
                        + subject + "' of the schema registry at " + url() + ": " + cause.getMessage(),
                cause);
    }

    /** The failure to fetch the schema of the id a message names. */
    public IOException unknownSchemaId(int id, RestClientException cause) {
        return new IOException(
                "Schema id " + id + " of the message is not known to the schema registry at " + url() + ": "
                        + cause.getMessage(),
                cause);
    }

    /** A new caching client; fails naming the setting that is wrong. */
    public SchemaRegistryClient createClient() {
        return new KafkaAvroSerdeConfig(configs).createClient();
    }
}
