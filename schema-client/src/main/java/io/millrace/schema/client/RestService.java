package io.millrace.schema.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * HTTP calls to one or more registry URLs with {@link java.net.http.HttpClient}: JSON in
 * Confluent's media type, an optional basic-auth header, and retries (next URL, with backoff) on
 * connection failures and 5xx answers. 4xx answers are final. Thread-safe.
 */
public final class RestService {

    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final String authorization;
    private final int maxRetries;
    private final long backoffMs;
    private final HttpClient http;

    /**
     * @param userInfo {@code user:password} for a basic-auth header, or null
     * @param maxRetries extra attempts after a connection failure or a 5xx answer
     */
    public RestService(List<String> urls, String userInfo, int maxRetries, long backoffMs, Duration timeout) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("At least one schema registry URL is required");
        }
        this.baseUrls = urls.stream()
                .map(u -> URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u))
                .toList();
        this.authorization = userInfo == null || userInfo.isEmpty()
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.maxRetries = maxRetries;
        this.backoffMs = backoffMs;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Percent-encodes one path segment (a subject). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends {@code method path} with an optional JSON body and returns the parsed answer.
     *
     * @throws RestClientException for an error answer ({@code error_code} from the body)
     * @throws IOException when no URL could be reached after the retries
     */
    public JsonNode call(String method, String path, Object body) throws IOException, RestClientException {
        byte[] payload = body == null ? null : JSON.writeValueAsBytes(body);
        IOException lastIo = null;
        RestClientException lastServerError = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            URI base = baseUrls.get(attempt % baseUrls.size());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", MEDIA_TYPE)
                    .method(
                            method,
                            payload == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(payload));
            if (payload != null) {
                request.header("Content-Type", MEDIA_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() < 300) {
                    return response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
                }
                RestClientException error = error(response);
                if (response.statusCode() < 500) {
                    throw error;
                }
                lastServerError = error;
            } catch (IOException e) {
                lastIo = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while calling the schema registry", e);
            }
            if (attempt < maxRetries) {
                pause(backoffMs << Math.min(attempt, 6));
            }
        }
        if (lastServerError != null) {
            throw lastServerError;
        }
        throw new IOException("Cannot reach the schema registry at " + baseUrls + " (" + path + "): " + lastIo, lastIo);
    }

    private static RestClientException error(HttpResponse<byte[]> response) {
        int code = response.statusCode();
        String message = new String(response.body(), StandardCharsets.UTF_8);
        try {
            JsonNode node = JSON.readTree(response.body());
            if (node != null && node.has("error_code")) {
                code = node.get("error_code").asInt(code);
                message = node.path("message").asText(message);
            }
        } catch (IOException e) {
            // not JSON: keep the raw text
        }
        return new RestClientException(message, response.statusCode(), code);
    }

    private static void pause(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting to retry the schema registry", e);
        }
    }
}
