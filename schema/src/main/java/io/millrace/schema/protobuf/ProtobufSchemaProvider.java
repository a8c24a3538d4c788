package io.millrace.schema.protobuf;

import com.squareup.wire.schema.CoreLoader;
import com.squareup.wire.schema.ErrorCollector;
import com.squareup.wire.schema.Linker;
import com.squareup.wire.schema.Loader;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.ReferenceResolver;
import io.millrace.schema.core.RegisteredSchema;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.SchemaProvider;
import io.millrace.schema.core.SchemaReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PROTOBUF type: {@code .proto} text (proto2 or proto3) parsed by Square Wire's parser and
 * linked by Wire's linker, which resolves every type name, checks field numbers and names,
 * reserved ranges and options. An {@code import} names a reference (its {@code name} is the
 * imported path, e.g. {@code {"name":"money.proto","subject":"money","version":1}}); the
 * well-known types ({@code google/protobuf/timestamp.proto}, ...) and
 * {@code google/protobuf/descriptor.proto} need no reference. Compatibility is
 * {@link ProtobufDiff}'s. Stateless, thread-safe.
 */
public final class ProtobufSchemaProvider implements SchemaProvider {

    public static final String PROTOBUF = "PROTOBUF";
    /** The path the schema being registered has while linking; imports never name it. */
    static final String ROOT_PATH = "millrace-registered-schema.proto";
    /** Nested blocks accepted in one file (protoc's own parser stops at 100 too). */
    private static final int MAX_NESTING = 100;

    @Override
    public String schemaType() {
        return PROTOBUF;
    }

    @Override
    public ParsedSchema parse(String text, List<SchemaReference> references, ReferenceResolver resolver) {
        if (text == null || text.isBlank()) {
            throw RegistryErrors.invalidSchema("Invalid Protobuf schema: the schema text is empty");
        }
        List<SchemaReference> refs = references == null ? List.of() : references;
        Map<String, ProtoFileElement> imported = new LinkedHashMap<>();
        for (SchemaReference reference : refs) {
            load(reference, resolver, imported, 0);
        }
        ProtoFileElement root = parseText(ROOT_PATH, text, "Invalid Protobuf schema");
        checkImports(ROOT_PATH, root, imported);
        imported.forEach((path, element) -> checkImports(path, element, imported));
        return ParsedProtobufSchema.of(root, link(root, imported), refs, imported);
    }

    /** Links the root file with its imports: the error is Wire's, naming file, line and problem. */
    static Schema link(ProtoFileElement root, Map<String, ProtoFileElement> imported) {
        Loader loader = new ImportLoader(imported);
        try {
            Linker linker = new Linker(loader, new ErrorCollector(), false, true);
            return linker.link(List.of(ProtoFile.Companion.get(root)));
        } catch (RuntimeException e) { // SchemaException, or the linker's IllegalArgument/IllegalState checks
            throw invalid("Invalid Protobuf schema", e);
        }
    }

    /** Wire's message names the file, line and column: the schema being registered is called "schema". */
    private static RuntimeException invalid(String problem, RuntimeException cause) {
        String detail = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return RegistryErrors.invalidSchema(problem + ": " + detail.replace(ROOT_PATH, "schema"));
    }

    private static void load(
            SchemaReference reference, ReferenceResolver resolver, Map<String, ProtoFileElement> loaded, int depth) {
        if (loaded.containsKey(reference.name())) {
            return;
        }
        if (reference.name().equals(ROOT_PATH)) {
            throw RegistryErrors.invalidSchema("Invalid Protobuf schema: the reference name '" + ROOT_PATH
                    + "' is reserved by the registry; import the file under another name");
        }
        RegisteredSchema target = resolver.resolveChecked(
                reference,
                depth,
                PROTOBUF,
                "Invalid Protobuf schema",
                "a Protobuf schema can import Protobuf schemas only");
        loaded.put(
                reference.name(),
                parseText(
                        reference.name(),
                        target.schema(),
                        "Invalid Protobuf schema: " + "referenced subject '" + reference.subject() + "' version "
                                + reference.version()));
        for (SchemaReference nested : target.references()) {
            load(nested, resolver, loaded, depth + 1);
        }
    }

    static ProtoFileElement parseText(String path, String text, String problem) {
        int depth = nesting(text);
        if (depth > MAX_NESTING) {
            throw RegistryErrors.invalidSchema(
                    problem + ": blocks nest " + depth + " levels deep; at most " + MAX_NESTING + " are accepted");
        }
        try {
            return ProtoParser.Companion.parse(Location.get(path), text);
        } catch (RuntimeException e) {
            throw invalid(problem, e);
        }
    }

    /**
     * The deepest nesting of {@code {}} and {@code []} outside strings and comments. Wire's parser
     * recurses per level, so a hostile file must be refused before it exhausts the stack.
     */
    static int nesting(String text) {
        int depth = 0;
        int max = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                for (i++; i < text.length() && text.charAt(i) != c; i++) {
                    i += text.charAt(i) == '\\' ? 1 : 0;
                }
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                i = text.indexOf('\n', i) < 0 ? text.length() : text.indexOf('\n', i);
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 1;
            } else if (c == '{' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    private static void checkImports(String path, ProtoFileElement file, Map<String, ProtoFileElement> imported) {
        List<String> all = new ArrayList<>(file.getImports());
        all.addAll(file.getPublicImports());
        all.addAll(file.getWeakImports());
        for (String name : all) {
            if (!imported.containsKey(name) && !ImportLoader.builtIn(name)) {
                throw RegistryErrors.invalidSchema("Invalid Protobuf schema: " + (path.equals(ROOT_PATH) ? "it" : path)
                        + " imports \"" + name + "\", which is neither a reference (add {\"name\":\"" + name
                        + "\",\"subject\":...,\"version\":...}) nor a well-known type");
            }
        }
    }

    /** Serves imports from the references, and the bundled google/protobuf files. */
    private record ImportLoader(Map<String, ProtoFileElement> imported) implements Loader {

        static boolean builtIn(String path) {
            return WellKnownProtos.get(path).isPresent();
        }

        @Override
        public ProtoFile load(String path) {
            ProtoFileElement element = imported.get(path);
            if (element == null) {
                element = WellKnownProtos.get(path).orElse(null);
            }
            return element != null ? ProtoFile.Companion.get(element) : CoreLoader.INSTANCE.load(path);
        }

        @Override
        public Loader withErrors(ErrorCollector errors) {
            return this;
        }
    }
}
