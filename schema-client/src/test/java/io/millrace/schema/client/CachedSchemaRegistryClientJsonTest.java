package io.millrace.schema.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.millrace.schema.core.SchemaReference;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's calls for schemas of any type (JSON Schema here), against an in-process HTTP server
 * that records each request and answers as the registry does: {@code schemaType} in the request
 * bodies, type and text from an id, the caches, and Avro requests left as they were.
 */
class CachedSchemaRegistryClientJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},\"required\":[\"id\"]}";

    private record Request(String method, String path, JsonNode body) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private HttpServer server;
    private CachedSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        client = new CachedSchemaRegistryClient(
                List.of("http://127.0.0.1:" + server.getAddress().getPort()), 100);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] in = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(new Request(exchange.getRequestMethod(), path, in.length == 0 ? null : JSON.readTree(in)));
        String answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path, "");
        int status = answer.isEmpty() ? 404 : 200;
        byte[] out = (answer.isEmpty() ? "{\"error_code\":40403,\"message\":\"Schema not found\"}" : answer)
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Test
    void registeringAJsonSchemaSendsItsTypeAndIsCached() throws Exception {
        answers.put("POST /subjects/orders-value/versions", "{\"id\":7}");

        int id = client.register("orders-value", SchemaString.json(ORDER_SCHEMA), false);
        int again = client.register("orders-value", SchemaString.json(ORDER_SCHEMA), false);

        assertThat(List.of(id, again)).containsExactly(7, 7);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).body())
                .isEqualTo(
                        JSON.readTree(JSON.writeValueAsString(Map.of("schemaType", "JSON", "schema", ORDER_SCHEMA))));
        assertThat(client.getSchemaStringById(7))
                .as("the registered schema's text, without another call")
                .isEqualTo(SchemaString.json(ORDER_SCHEMA));
        assertThat(requests).hasSize(1);
    }

    @Test
    void lookingUpAJsonSchemaWithReferencesAndNormalizationSendsThemAll() throws Exception {
        answers.put("POST /subjects/orders%20v2?normalize=true", "{\"subject\":\"orders v2\",\"version\":1,\"id\":9}");
        SchemaString schema = new SchemaString(
                SchemaString.JSON, ORDER_SCHEMA, List.of(new SchemaReference("customer.json", "customers", 2)));

        assertThat(client.getId("orders v2", schema, true)).isEqualTo(9);
        assertThat(client.getId("orders v2", schema, true)).isEqualTo(9);

        assertThat(requests).hasSize(1);
        JsonNode body = requests.get(0).body();
        assertThat(body.path("schemaType").asText()).isEqualTo("JSON");
        assertThat(body.path("schema").asText()).isEqualTo(ORDER_SCHEMA);
        assertThat(body.path("references"))
                .isEqualTo(JSON.readTree("[{\"name\":\"customer.json\",\"subject\":\"customers\",\"version\":2}]"));
    }

    @Test
    void aSchemaByIdComesWithItsTypeAndAvroOnesWithout() throws Exception {
        answers.put(
                "GET /schemas/ids/3",
                JSON.writeValueAsString(Map.of(
                        "schemaType",
                        "JSON",
                        "schema",
                        ORDER_SCHEMA,
                        "references",
                        List.of(Map.of("name", "c.json", "subject", "c", "version", 1)))));
        answers.put("GET /schemas/ids/4", JSON.writeValueAsString(Map.of("schema", "\"string\"")));

        assertThat(client.getSchemaStringById(3))
                .isEqualTo(new SchemaString("JSON", ORDER_SCHEMA, List.of(new SchemaReference("c.json", "c", 1))));
        assertThat(client.getSchemaStringById(4)).isEqualTo(new SchemaString("AVRO", "\"string\"", List.of()));
        client.getSchemaStringById(3);
        assertThat(requests).as("each id fetched once").hasSize(2);
        assertThatThrownBy(() -> client.getSchemaById(3))
                .as("an Avro schema asked for a JSON Schema id")
                .isInstanceOf(RestClientException.class)
                .hasMessageContaining("of type JSON, not AVRO");
        assertThatThrownBy(() -> client.getSchemaStringById(5))
                .isInstanceOf(RestClientException.class)
                .satisfies(
                        e -> assertThat(((RestClientException) e).errorCode()).isEqualTo(40403));
    }

    @Test
    void avroRegistrationStillSendsTheSchemaAlone() throws Exception {
        answers.put("POST /subjects/names-value/versions", "{\"id\":2}");

        assertThat(client.register("names-value", Schema.create(Schema.Type.STRING), false))
                .isEqualTo(2);

        assertThat(requests.get(0).body()).isEqualTo(JSON.readTree("{\"schema\":\"\\\"string\\\"\"}"));
        assertThat(client.getSchemaById(2)).isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(requests).hasSize(1);
    }

    @Test
    void aRestServiceWithoutRetriesAnswersTheRegistrysErrorCode() {
        CachedSchemaRegistryClient noRetries = new CachedSchemaRegistryClient(
                new RestService(
                        List.of("http://127.0.0.1:" + server.getAddress().getPort()),
                        null,
                        0,
                        1,
                        Duration.ofSeconds(5)),
                10,
                -1,
                System::currentTimeMillis);
        assertThatThrownBy(() -> noRetries.getId("orders-value", SchemaString.json(ORDER_SCHEMA), false))
                .isInstanceOf(RestClientException.class)
                .hasMessageContaining("40403");
    }
}
