package io.millrace.schema.registry;

import io.millrace.schema.core.AvroSchemaProvider;
import io.millrace.schema.core.AvroSchemas;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.SchemaProvider;
import io.millrace.schema.json.JsonSchemaProvider;
import io.millrace.schema.protobuf.ProtobufSchemaProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The schema types this registry serves, one {@link SchemaProvider} each, in the order
 * {@code /schemas/types} lists them. Immutable, thread-safe.
 */
public final class SchemaTypes {

    private static final SchemaTypes STANDARD =
            new SchemaTypes(List.of(new AvroSchemaProvider(), new JsonSchemaProvider(), new ProtobufSchemaProvider()));

    private final Map<String, SchemaProvider> providers = new LinkedHashMap<>();

    SchemaTypes(List<SchemaProvider> providers) {
        providers.forEach(p -> this.providers.put(p.schemaType(), p));
    }

    /** Every type the registry implements. */
    public static SchemaTypes standard() {
        return STANDARD;
    }

    /** The type names, as {@code GET /schemas/types} answers. */
    public List<String> names() {
        return List.copyOf(providers.keySet());
    }

    /**
     * The provider of a request's type: {@code null} or empty means AVRO; names are case-insensitive.
     *
     * @throws io.millrace.schema.core.RegistryException 42201 naming the supported types
     */
    public SchemaProvider provider(String schemaType) {
        String name =
                schemaType == null || schemaType.isEmpty() ? AvroSchemas.AVRO : schemaType.toUpperCase(Locale.ROOT);
        SchemaProvider provider = providers.get(name);
        if (provider == null) {
            throw RegistryErrors.invalidSchema("Schema type " + schemaType + " is not supported by this registry; "
                    + "supported types are " + String.join(", ", providers.keySet()));
        }
        return provider;
    }
}
