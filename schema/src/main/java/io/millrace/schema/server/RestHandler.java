package io.millrace.schema.server;

import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.RegistryException;
import io.millrace.schema.registry.SchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's REST entry point on Jetty's core API: checks media types and the body limit,
 * routes to the resources, and renders every outcome as JSON in Confluent's media type. Any
 * failure becomes {@code {"error_code":..,"message":..}}; only a registry fault is a 5xx.
 * Thread-safe (stateless apart from the resources).
 */
final class RestHandler extends Handler.Abstract {

    static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final List<String> ACCEPTED_BODY_TYPES =
            List.of(MEDIA_TYPE, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream");
    private static final Logger log = LoggerFactory.getLogger(RestHandler.class);
    /** Oversized request bodies up to this much beyond what was read (or the limit, if larger) are drained before the 413. */
    private static final long DRAIN_LIMIT_BYTES = 8L << 20;

    private final List<Resource> resources;
    private final long maxBodyBytes;

    RestHandler(SchemaRegistry registry, long maxBodyBytes) {
        this.resources = List.of(
                new SubjectsResource(registry),
                new SchemasResource(registry),
                new SettingsResource(registry.settings()),
                new CompatibilityResource(registry));
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Reply reply;
        try {
            reply = dispatch(request);
        } catch (RegistryException e) {
            if (e.httpStatus() >= 500) {
                log.warn(
                        "Registry request {} {} failed: {}",
                        request.getMethod(),
                        request.getHttpURI().getPath(),
                        e.getMessage(),
                        e.getCause());
            }
            reply = error(e.httpStatus(), e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            log.error(
                    "Unexpected failure serving {} {}",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e);
            reply = error(500, 50001, "Internal error: " + e);
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MEDIA_TYPE);
        byte[] bytes =
                reply.raw() ? ((String) reply.body()).getBytes(StandardCharsets.UTF_8) : Json.write(reply.body());
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
        return true;
    }

    private Reply dispatch(Request request) {
        String method = request.getMethod();
        List<String> segments = segments(request.getHttpURI().getPath());
        if (method.equals("POST") || method.equals("PUT")) {
            checkContentType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        }
        // Read (bounded) whatever body came, whatever the method, so the connection stays reusable.
        byte[] body = readBody(request);
        Map<String, String> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        fields.forEach(f -> query.put(f.getName(), f.getValue()));
        HttpCall call = new HttpCall(method, segments, query, body);
        for (Resource resource : resources) {
            Reply reply = resource.handle(call);
            if (reply != null) {
                return reply;
            }
        }
        if (segments.isEmpty() && method.equals("GET")) {
            return Reply.ok(Map.of());
        }
        throw HttpCall.notFound(request.getHttpURI().getPath());
    }

    private static void checkContentType(String contentType) {
        if (contentType == null) {
            return;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!ACCEPTED_BODY_TYPES.contains(type)) {
            throw new RegistryException(
                    415,
                    415,
                    "HTTP 415 Unsupported Media Type: " + contentType + "; send " + MEDIA_TYPE
                            + " or application/json");
        }
    }

    private byte[] readBody(Request request) {
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > maxBodyBytes) {
                drainOversized(in);
                throw tooLarge(declared);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                drainOversized(in);
                throw tooLarge(-1);
            }
            return bytes;
        } catch (IOException e) {
            throw new RegistryException(400, 400, "Cannot read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops the rest of an oversized body, up to a bound, into a small buffer: a client
     * still sending it would otherwise meet a reset connection instead of reading the 413. Beyond
     * the bound the connection is closed as before, so a huge upload costs no more than this.
     */
    private void drainOversized(InputStream in) throws IOException {
        long budget = Math.max(DRAIN_LIMIT_BYTES, maxBodyBytes);
        byte[] scratch = new byte[8192];
        for (int n; budget > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, budget))) >= 0; ) {
            budget -= n;
        }
    }

    private RegistryException tooLarge(long size) {
        RegistryException base =
                RegistryErrors.schemaTooLarge("The request body" + (size >= 0 ? " of " + size + " bytes" : "")
                        + " exceeds the registry's limit of " + maxBodyBytes + " bytes");
        return new RegistryException(413, base.errorCode(), base.getMessage());
    }

    /** Splits a raw path and percent-decodes each segment ('+' stays literal in paths). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        for (String part : rawPath.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new RegistryException(400, 400, "Malformed percent-encoding in the path: " + part);
            }
        }
        return out;
    }

    static Reply error(int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        return new Reply(status, body, false);
    }
}
