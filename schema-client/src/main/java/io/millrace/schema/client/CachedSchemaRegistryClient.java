package io.millrace.schema.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.AvroSchemas;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryException;
import io.millrace.schema.core.SchemaReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistryClient} over {@link RestService} that caches what never changes: the
 * schema of an id (parsed for Avro, as text for every type), and the id of a (subject, schema) pair. The latest version of a subject is
 * cached for {@code latestTtlMs} (negative: until the client is discarded). Thread-safe; the
 * caches are bounded by {@code maxEntries}, past which they are cleared.
 */
public final class CachedSchemaRegistryClient implements SchemaRegistryClient {

    /** A schema under a subject: an Avro {@link Schema} or a {@link SchemaString}. */
    private record SubjectSchema(String subject, Object schema, boolean normalize) {}

    private record Latest(SchemaMetadata metadata, long fetchedAtMs) {}

    private final RestService rest;
    private final int maxEntries;
    private final long latestTtlMs;
    private final LongSupplier clockMs;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<Integer, SchemaString> schemaStringsById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> lookedUp = new ConcurrentHashMap<>();
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();

    public CachedSchemaRegistryClient(RestService rest, int maxEntries, long latestTtlMs, LongSupplier clockMs) {
        this.rest = rest;
        this.maxEntries = maxEntries;
        this.latestTtlMs = latestTtlMs;
        this.clockMs = clockMs;
    }

    public CachedSchemaRegistryClient(List<String> urls, int maxEntries) {
        this(
                new RestService(urls, null, 3, 100, java.time.Duration.ofSeconds(10)),
                maxEntries,
                -1,
                System::currentTimeMillis);
    }

    @Override
    public int register(String subject, Schema schema, boolean normalize) throws IOException, RestClientException {
        int id = register(new SubjectSchema(subject, schema, normalize), avro(schema));
        put(schemasById, id, schema);
        return id;
    }

    @Override
    public int register(String subject, SchemaString schema, boolean normalize)
            throws IOException, RestClientException {
        int id = register(new SubjectSchema(subject, schema, normalize), schema);
        put(schemaStringsById, id, schema);
        return id;
    }

    @Override
    public int getId(String subject, Schema schema, boolean normalize) throws IOException, RestClientException {
        return getId(new SubjectSchema(subject, schema, normalize), avro(schema));
    }

    @Override
    public int getId(String subject, SchemaString schema, boolean normalize) throws IOException, RestClientException {
        return getId(new SubjectSchema(subject, schema, normalize), schema);
    }

    @Override
    public Schema getSchemaById(int id) throws IOException, RestClientException {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        SchemaString text = getSchemaStringById(id);
        if (!text.schemaType().equals(SchemaString.AVRO)) {
            throw new RestClientException(
                    "Schema " + id + " is of type " + text.schemaType() + ", not AVRO", 200, 42201);
        }
        Schema schema = parse(text.schema(), text.references());
        put(schemasById, id, schema);
        return schema;
    }

    @Override
    public SchemaString getSchemaStringById(int id) throws IOException, RestClientException {
        SchemaString cached = schemaStringsById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = rest.call("GET", "/schemas/ids/" + id, null);
        SchemaString schema = new SchemaString(
                answer.path("schemaType").asText(SchemaString.AVRO),
                answer.path("schema").asText(),
                SchemaReference.fromJson(answer.path("references")));
        put(schemaStringsById, id, schema);
        return schema;
    }

    private int register(SubjectSchema key, SchemaString schema) throws IOException, RestClientException {
        Integer cached = registered.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = rest.call("POST", subjectPath(key, "/versions"), body(schema));
        int id = answer.path("id").asInt();
        put(registered, key, id);
        return id;
    }

    private int getId(SubjectSchema key, SchemaString schema) throws IOException, RestClientException {
        Integer cached = lookedUp.get(key);
        if (cached == null) {
            cached = registered.get(key);
        }
        if (cached != null) {
            return cached;
        }
        JsonNode answer = rest.call("POST", subjectPath(key, ""), body(schema));
        int id = answer.path("id").asInt();
        put(lookedUp, key, id);
        return id;
    }

    private static String subjectPath(SubjectSchema key, String suffix) {
        return "/subjects/" + RestService.segment(key.subject()) + suffix + (key.normalize() ? "?normalize=true" : "");
    }

    /** The request body: Avro's type is implied, as Confluent's client leaves it out. */
    private static Map<String, Object> body(SchemaString schema) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!schema.schemaType().equals(SchemaString.AVRO)) {
            body.put("schemaType", schema.schemaType());
        }
        body.put("schema", schema.schema());
        if (!schema.references().isEmpty()) {
            body.put("references", schema.references());
        }
        return body;
    }

    private static SchemaString avro(Schema schema) {
        return new SchemaString(SchemaString.AVRO, schema.toString(), List.of());
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) throws IOException, RestClientException {
        Latest cached = latest.get(subject);
        long now = clockMs.getAsLong();
        if (cached != null && (latestTtlMs < 0 || now - cached.fetchedAtMs() < latestTtlMs)) {
            return cached.metadata();
        }
        SchemaMetadata metadata =
                metadata(rest.call("GET", "/subjects/" + RestService.segment(subject) + "/versions/latest", null));
        put(latest, subject, new Latest(metadata, now));
        return metadata;
    }

    @Override
    public SchemaMetadata getSchemaMetadata(String subject, int version) throws IOException, RestClientException {
        return metadata(rest.call("GET", "/subjects/" + RestService.segment(subject) + "/versions/" + version, null));
    }

    @Override
    public List<String> getAllSubjects() throws IOException, RestClientException {
        List<String> subjects = new ArrayList<>();
        rest.call("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    /** Parses a schema text with its references, fetching each referenced version. */
    public Schema parse(String text, List<SchemaReference> references) throws IOException, RestClientException {
        Map<SchemaReference, RegisteredSchema> fetched = new HashMap<>();
        fetchReferences(references, fetched, 0);
        try {
            return AvroSchemas.parse(text, references, ref -> fetched.get(key(ref)))
                    .schema();
        } catch (RegistryException e) {
            throw new RestClientException(e.getMessage(), 200, e.errorCode());
        }
    }

    private void fetchReferences(
            List<SchemaReference> references, Map<SchemaReference, RegisteredSchema> fetched, int depth)
            throws IOException, RestClientException {
        if (depth > 32) {
            throw new RestClientException("Schema references nest deeper than 32 levels", 200, 42201);
        }
        for (SchemaReference ref : references) {
            if (fetched.containsKey(key(ref))) {
                continue;
            }
            SchemaMetadata m = getSchemaMetadata(ref.subject(), ref.version());
            fetched.put(
                    key(ref),
                    new RegisteredSchema(
                            m.subject(), m.version(), m.id(), m.schemaType(), m.schema(), m.references(), false));
            fetchReferences(m.references(), fetched, depth + 1);
        }
    }

    private static SchemaReference key(SchemaReference ref) {
        return new SchemaReference("", ref.subject(), ref.version());
    }

    private static SchemaMetadata metadata(JsonNode node) {
        return new SchemaMetadata(
                node.path("subject").asText(),
                node.path("version").asInt(),
                node.path("id").asInt(),
                node.path("schemaType").asText("AVRO"),
                node.path("schema").asText(),
                SchemaReference.fromJson(node.path("references")));
    }

    private <K, V> void put(Map<K, V> cache, K key, V value) {
        if (cache.size() >= maxEntries) {
            cache.clear();
        }
        cache.put(key, value);
    }
}
