package io.millrace.schema.json;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON schema and the documents it references (registered under other subjects), with the
 * {@code $ref} resolution the compatibility check follows: a reference is the reference's
 * {@code name} (or a URI that resolves to the same place against the document's base) plus an
 * optional fragment, a JSON pointer ({@code #/definitions/x}) or an anchor ({@code $anchor}, or a
 * draft-6/7 {@code $id} of {@code #name}). Immutable, thread-safe.
 */
final class JsonSchemaDocs {

    /** The base of a schema without an absolute {@code $id}; never fetched. */
    static final URI DEFAULT_BASE = URI.create("https://schemas.millrace.invalid/schema.json");

    /** One document: its reference name ("" for the root), base URI and root node. */
    record Doc(String name, URI base, JsonNode root) {}

    /** A schema node inside its document. */
    record Located(JsonNode node, Doc doc) {}

    private final List<Doc> docs;

    /** @param referenced reference name to document, in the order they were loaded */
    JsonSchemaDocs(JsonNode root, Map<String, JsonNode> referenced) {
        List<Doc> all = new ArrayList<>();
        URI rootBase = baseOf(root, DEFAULT_BASE);
        all.add(new Doc("", rootBase, root));
        referenced.forEach((name, node) -> all.add(new Doc(name, baseOf(node, resolve(rootBase, name)), node)));
        this.docs = List.copyOf(all);
    }

    Located root() {
        Doc doc = docs.get(0);
        return new Located(doc.root(), doc);
    }

    /** Follows {@code $ref} until a node without one; null when a reference cannot be followed or loops. */
    Located dereference(Located start) {
        Located at = start;
        Map<JsonNode, Boolean> seen = new IdentityHashMap<>();
        while (at.node().isObject() && at.node().path("$ref").isTextual()) {
            if (seen.put(at.node(), Boolean.TRUE) != null) {
                return null;
            }
            at = follow(at, at.node().get("$ref").asText());
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    private Located follow(Located from, String ref) {
        int hash = ref.indexOf('#');
        String location = hash < 0 ? ref : ref.substring(0, hash);
        String fragment = hash < 0 ? "" : ref.substring(hash + 1);
        Doc doc = location.isEmpty() ? from.doc() : document(from.doc(), location);
        if (doc == null) {
            return null;
        }
        if (fragment.isEmpty()) {
            return new Located(doc.root(), doc);
        }
        if (fragment.startsWith("/")) {
            try {
                JsonNode target = doc.root().at(JsonPointer.compile(decodePercent(fragment)));
                return target.isMissingNode() ? null : new Located(target, doc);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        JsonNode anchored = anchor(doc.root(), fragment, 0);
        return anchored == null ? null : new Located(anchored, doc);
    }

    private Doc document(Doc from, String location) {
        URI wanted = resolve(from.base(), location);
        for (Doc doc : docs) {
            if (doc.name().equals(location) || (wanted != null && wanted.equals(doc.base()))) {
                return doc;
            }
        }
        return null;
    }

    private static JsonNode anchor(JsonNode node, String name, int depth) {
        if (depth > 64 || !(node.isObject() || node.isArray())) {
            return null;
        }
        if (node.isObject()
                && (name.equals(node.path("$anchor").asText(null))
                        || ("#" + name).equals(node.path("$id").asText(null)))) {
            return node;
        }
        for (JsonNode child : node) {
            JsonNode found = anchor(child, name, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static URI baseOf(JsonNode node, URI fallback) {
        String id = node.isObject() ? node.path("$id").asText(node.path("id").asText("")) : "";
        URI resolved = id.isEmpty() || id.startsWith("#") ? null : resolve(fallback, id);
        return resolved != null && resolved.isAbsolute() ? withoutFragment(resolved) : fallback;
    }

    static URI resolve(URI base, String reference) {
        try {
            return withoutFragment(base == null ? new URI(reference) : base.resolve(new URI(reference)));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static URI withoutFragment(URI uri) {
        if (uri == null || uri.getFragment() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), uri.getSchemeSpecificPart(), null);
        } catch (URISyntaxException e) {
            return uri;
        }
    }

    private static String decodePercent(String fragment) {
        return fragment.contains("%")
                ? java.net.URLDecoder.decode(fragment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)
                : fragment;
    }
}
