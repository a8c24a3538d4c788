package io.millrace.schema.json;

import static io.millrace.schema.core.SchemaAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.SchemaAssertions;
import io.millrace.schema.core.SchemaReference;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonSchemaProviderTest {

    private final JsonSchemaProvider provider = new JsonSchemaProvider();

    private ParsedSchema parse(String text) {
        return provider.parse(text, List.of(), r -> null);
    }

    @Test
    void canonicalFormIsCompactJsonInTheWrittenOrder() {
        ParsedSchema parsed = parse("{ \"type\" : \"object\",\n \"properties\": {\"b\": {\"type\":\"string\"}, "
                + "\"a\": {\"type\": \"integer\"}} }");
        assertThat(parsed.schemaType()).isEqualTo("JSON");
        assertThat(parsed.canonical())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"},"
                        + "\"a\":{\"type\":\"integer\"}}}");
    }

    @Test
    void normalizationSortsKeysAndSetValuedKeywords() {
        String one = "{\"type\":\"object\",\"required\":[\"b\",\"a\"],\"properties\":{\"b\":{\"type\":[\"string\","
                + "\"null\"]},\"a\":{\"enum\":[2,1]}}}";
        String two = "{\"properties\":{\"a\":{\"enum\":[1,2]},\"b\":{\"type\":[\"null\",\"string\"]}},"
                + "\"required\":[\"a\",\"b\"],\"type\":\"object\"}";
        assertThat(parse(one).canonical()).isNotEqualTo(parse(two).canonical());
        assertThat(parse(one).normalize().canonical())
                .isEqualTo(parse(two).normalize().canonical());
        assertThat(parse("{\"default\":{\"type\":[\"b\",\"a\"]}}").normalize().canonical())
                .as("data values keep their array order")
                .contains("[\"b\",\"a\"]");
    }

    @Test
    void everyDraftTheLibraryKnowsIsAccepted() {
        for (String draft : new String[] {
            "http://json-schema.org/draft-04/schema#",
            "http://json-schema.org/draft-06/schema#",
            "http://json-schema.org/draft-07/schema#",
            "https://json-schema.org/draft/2019-09/schema",
            "https://json-schema.org/draft/2020-12/schema"
        }) {
            assertThat(parse("{\"$schema\":\"" + draft + "\",\"type\":\"object\",\"properties\":{\"x\":"
                                    + "{\"type\":\"number\",\"minimum\":0}}}")
                            .canonical())
                    .as(draft)
                    .contains("minimum");
        }
        assertThat(parse("true").canonical()).isEqualTo("true");
    }

    @Test
    void malformedAndInvalidSchemasAre42201WithTheReason() {
        assertInvalid(() -> parse(""), "empty");
        assertInvalid(() -> parse("{\"type\":"), "Invalid JSON schema");
        assertInvalid(() -> parse("{\"type\":\"object\"} trailing"), "Invalid JSON schema");
        assertInvalid(() -> parse("{\"type\":\"object\",\"type\":\"string\"}"), "Duplicate field");
        assertInvalid(() -> parse("[1,2]"), "array");
        assertInvalid(() -> parse("{\"type\":\"objekt\"}"), "draft-07");
        assertInvalid(() -> parse("{\"properties\":{\"a\":{\"minLength\":-1}}}"), "minLength");
        assertInvalid(() -> parse("{\"required\":\"a\"}"), "required");
        assertInvalid(
                () -> parse("{\"$schema\":\"http://example.com/my-meta\",\"type\":\"string\"}"),
                "not a supported draft");
    }

    @Test
    void unresolvableReferencesAre42201AndNothingIsFetched() throws Exception {
        assertInvalid(() -> parse("{\"properties\":{\"a\":{\"$ref\":\"#/definitions/missing\"}}}"), "missing");
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"type\":\"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String remote = "http://127.0.0.1:" + server.getAddress().getPort() + "/remote.json";
            assertInvalid(() -> parse("{\"properties\":{\"a\":{\"$ref\":\"" + remote + "\"}}}"), "remote.json");
            assertThat(requests.get())
                    .as("the registry never fetches a schema from a URL")
                    .isZero();
        } finally {
            server.stop(0);
        }
        assertThat(parse("{\"definitions\":{\"p\":{\"type\":\"string\"}},\"properties\":{\"a\":"
                                + "{\"$ref\":\"#/definitions/p\"}}}")
                        .canonical())
                .contains("#/definitions/p");
    }

    @Test
    void referencesToOtherSubjectsResolveByName() {
        RegisteredSchema address = new RegisteredSchema(
                "address",
                1,
                7,
                "JSON",
                "{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"}},\"required\":[\"street\"]}",
                List.of(),
                false);
        Map<String, RegisteredSchema> registered = Map.of("address", address);
        String customer = "{\"type\":\"object\",\"properties\":{\"home\":{\"$ref\":\"address.json\"}}}";
        List<SchemaReference> refs = List.of(new SchemaReference("address.json", "address", 1));
        ParsedSchema parsed = provider.parse(customer, refs, r -> registered.get(r.subject()));
        assertThat(parsed.references()).isEqualTo(refs);
        assertThat(parsed.canonical())
                .as("referenced documents are not inlined")
                .doesNotContain("street");
        assertInvalid(() -> provider.parse(customer, List.of(), r -> null), "address.json");
        assertInvalid(
                () -> provider.parse(customer, List.of(new SchemaReference("address.json", "address", 2)), r -> null),
                "does not exist");
        RegisteredSchema avro = new RegisteredSchema("a", 1, 8, "AVRO", "\"int\"", List.of(), false);
        assertInvalid(() -> provider.parse(customer, refs, r -> avro), "AVRO");
    }

    @Test
    void referencesResolveAgainstTheSchemasId() {
        RegisteredSchema address = new RegisteredSchema(
                "address",
                1,
                7,
                "JSON",
                "{\"type\":\"object\",\"properties\":{\"street\":{\"type\":\"string\"}}}",
                List.of(),
                false);
        String customer = "{\"$id\":\"https://acme.example/schemas/customer.json\",\"type\":\"object\","
                + "\"properties\":{\"home\":{\"$ref\":\"address.json\"}}}";
        ParsedSchema parsed = provider.parse(
                customer,
                List.of(new SchemaReference("https://acme.example/schemas/address.json", "address", 1)),
                r -> address);
        assertThat(parsed.canonical()).contains("address.json");
    }

    @Test
    void randomlyDamagedSchemasAreEitherValidOr42201() {
        String valid = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
                + "\"properties\":{\"a\":{\"type\":\"string\",\"maxLength\":3},\"b\":{\"$ref\":\"#/definitions/n\"}},"
                + "\"definitions\":{\"n\":{\"type\":[\"number\",\"null\"],\"minimum\":0}},\"required\":[\"a\"],"
                + "\"additionalProperties\":false}";
        SchemaAssertions.eachIsValidOr42201(provider, valid, "{}[]\":,#/$0-9aetrsnulf ", 42, 250);
    }
}
