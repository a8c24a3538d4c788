package io.millrace.schema.protobuf;

import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code google/protobuf/*.proto} files bundled with Wire (descriptor.proto and the
 * well-known types: any, duration, empty, field_mask, struct, timestamp, wrappers), parsed once:
 * the linker reads descriptor.proto for every schema, and re-parsing it dominated the cost of a
 * check. The parsed elements are immutable; each link builds its own types from them. Only files
 * that exist are cached. Thread-safe.
 */
final class WellKnownProtos {

    private static final String PREFIX = "google/protobuf/";
    private static final Map<String, ProtoFileElement> PARSED = new ConcurrentHashMap<>();

    private WellKnownProtos() {}

    /** The bundled file at {@code path}, or empty when there is none. */
    static Optional<ProtoFileElement> get(String path) {
        if (!path.startsWith(PREFIX) || path.contains("..")) {
            return Optional.empty();
        }
        ProtoFileElement cached = PARSED.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ProtoFileElement> parsed = read(path);
        parsed.ifPresent(element -> PARSED.putIfAbsent(path, element));
        return parsed;
    }

    private static Optional<ProtoFileElement> read(String path) {
        try (InputStream in = ProtoParser.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                return Optional.empty();
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Optional.of(ProtoParser.Companion.parse(Location.get(path), text));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the bundled " + path + " from Wire's jar failed", e);
        }
    }
}
