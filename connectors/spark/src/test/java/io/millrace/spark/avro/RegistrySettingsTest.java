package io.millrace.spark.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code schema.registry.*} options reach the registry client: basic auth from
 * {@code basic.auth.user.info} or from the URL, seen by a stand-in registry that answers every
 * request "subject not found".
 */
class RegistrySettingsTest {

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"error_code\":40401,\"message\":\"Subject not found\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void basicAuthCredentialsFromUserInfoAreSent() {
        RegistrySettings settings = RegistrySettings.of(
                Map.of(
                        "schema.registry.url", url(""),
                        "Schema.Registry.Basic.Auth.Credentials.Source", "USER_INFO",
                        "schema.registry.basic.auth.user.info", "ada:secret"),
                "the test");

        assertThatThrownBy(() -> RegisteredSchemas.lookUp(settings, "s-value", null, "valueSubject"))
                .hasMessageContaining("has no version of subject 's-value' (option 'valueSubject')");
        assertThat(authorizations).containsOnly(basic("ada:secret"));
    }

    @Test
    void basicAuthCredentialsInTheUrlAreSent() {
        RegistrySettings settings = RegistrySettings.of(Map.of("schema.registry.url", url("grace:pw@")), "the test");

        assertThatThrownBy(() -> RegisteredSchemas.lookUp(settings, "s-value", 2, "valueSubject"))
                .hasMessageContaining("has no version 2 of subject 's-value'");
        assertThat(authorizations).containsOnly(basic("grace:pw"));
    }

    @Test
    void aMissingUrlOrAWrongSettingNamesTheOption() {
        assertThatThrownBy(() -> RegistrySettings.of(Map.of(), "valueFormat=avro"))
                .hasMessage(
                        "Option 'schema.registry.url' (the schema registry's URL) is required with valueFormat=avro");
        RegistrySettings wrong = RegistrySettings.of(
                Map.of("schema.registry.url", url(""), "schema.registry.max.retries", "many"), "the test");
        assertThatThrownBy(wrong::client)
                .hasMessageContaining("Invalid schema registry option (schema.registry.<setting>)")
                .hasMessageContaining("max.retries");
    }

    private String url(String userInfo) {
        return "http://" + userInfo + "127.0.0.1:" + server.getAddress().getPort();
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
