package io.millrace.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Plain HTTP calls to a schema registry, as a REST client (curl, a non-Java serializer) makes
 * them: the tests see exactly the status, headers and JSON the server sends.
 */
final class RegistryHttp {

    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    RegistryHttp(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** An answer: status, Content-Type and body (parsed as JSON when it is JSON). */
    record Answer(int status, String contentType, String text) {

        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (status " + status + "): " + text, e);
            }
        }

        int errorCode() {
            return json().path("error_code").asInt(-1);
        }

        /** The schema id this answer carries (registration, lookup, a version); fails the test if it has none. */
        int id() {
            JsonNode id = json().get("id");
            if (id == null) {
                throw new AssertionError("No schema id in " + this);
            }
            return id.asInt();
        }

        /** Asserts that this is an error answer: the HTTP status and Confluent's error code. */
        void assertError(int httpStatus, int code) {
            assertThat(status).as("status of %s", this).isEqualTo(httpStatus);
            assertThat(errorCode()).as("error code of %s", this).isEqualTo(code);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    Answer get(String path) {
        return send("GET", path, null, MEDIA_TYPE);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, MEDIA_TYPE);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body instanceof String s ? s : write(body), MEDIA_TYPE);
    }

    Answer put(String path, Object body) {
        return send("PUT", path, body instanceof String s ? s : write(body), MEDIA_TYPE);
    }

    Answer send(String method, String path, String body, String contentType) {
        return sendBytes(
                method,
                path,
                body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                contentType);
    }

    Answer sendBytes(String method, String path, byte[] body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code {"schema": schema}} */
    static ObjectNode schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema);
    }

    /** {@code {"schema": schema, "references": [{name, subject, version}]}} */
    static ObjectNode schemaBody(String schema, String refName, String refSubject, int refVersion) {
        ObjectNode body = schemaBody(schema);
        ArrayNode refs = body.putArray("references");
        refs.addObject().put("name", refName).put("subject", refSubject).put("version", refVersion);
        return body;
    }

    /** {@code {"schema": schema, "schemaType": type}} */
    static ObjectNode typed(String type, String schema) {
        return schemaBody(schema).put("schemaType", type);
    }

    /** {@code {"schema": schema, "schemaType": type, "references": [{name, subject, version}]}} */
    static ObjectNode typed(String type, String schema, String refName, String refSubject, int refVersion) {
        return schemaBody(schema, refName, refSubject, refVersion).put("schemaType", type);
    }

    /** A record schema with the given name and fields, e.g. {@code "a":"string"}. */
    static String record(String name, String... fields) {
        StringBuilder sb = new StringBuilder("{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[");
        for (int i = 0; i < fields.length; i++) {
            sb.append(i == 0 ? "" : ",").append(fields[i]);
        }
        return sb.append("]}").toString();
    }

    /** Waits up to a minute until the registry ({@code what}) answers {@code GET /config} with 200. */
    void awaitAnswering(String what) {
        Await.until(
                what + " to answer",
                Duration.ofSeconds(60),
                () -> get("/config").status() == 200);
    }

    /** Registers an Avro schema and returns the id, failing the test on any other answer. */
    int register(String subject, String schema) {
        return register(subject, schemaBody(schema));
    }

    /** Registers a request body (schema, type, references) and returns the id, failing the test on any other answer. */
    int register(String subject, ObjectNode body) {
        Answer a = post("/subjects/" + subject + "/versions", body);
        if (a.status() != 200) {
            throw new AssertionError("register under " + subject + ": " + a);
        }
        return a.id();
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
