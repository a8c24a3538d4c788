package io.millrace.schema.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.core.RegistryException;
import java.util.List;
import java.util.Map;

/**
 * One REST request as the resources see it: method, decoded path segments, query parameters
 * and the JSON body (parsed on first use). Immutable apart from that cache; one per request.
 */
final class HttpCall {

    private final String method;
    private final List<String> segments;
    private final Map<String, String> query;
    private final byte[] body;
    private JsonNode json;

    HttpCall(String method, List<String> segments, Map<String, String> query, byte[] body) {
        this.method = method;
        this.segments = segments;
        this.query = query;
        this.body = body;
    }

    String method() {
        return method;
    }

    List<String> segments() {
        return segments;
    }

    int size() {
        return segments.size();
    }

    String segment(int i) {
        return segments.get(i);
    }

    /** Whether the path has {@code n} segments and starts with the given literals. */
    boolean is(int n, String... prefix) {
        if (segments.size() != n || prefix.length > n) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (prefix[i] != null && !prefix[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    String query(String name) {
        return query.get(name);
    }

    /** A boolean query parameter ({@code true}, case-insensitive); absent is {@code false}. */
    boolean flag(String name) {
        return Boolean.parseBoolean(query.get(name));
    }

    /** The body as JSON; malformed JSON is 400 with error_code 400 (as Confluent's REST layer). */
    JsonNode json() {
        if (json == null) {
            json = Json.parseBody(body);
        }
        return json;
    }

    /** Thrown for a path that matched no resource. */
    static RegistryException notFound(String path) {
        return new RegistryException(404, 404, "HTTP 404 Not Found: no resource at " + path);
    }
}
