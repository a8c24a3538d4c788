package io.millrace.schema.protobuf;

import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import io.millrace.schema.core.DiffContext;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.SchemaReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .proto} file parsed and linked with its imports. The canonical text is Wire's
 * rendering of the parsed file (comments and layout dropped, declarations in the order written),
 * so equal files written differently share an id. Immutable, thread-safe.
 */
final class ParsedProtobufSchema implements ParsedSchema {

    private final ProtoFileElement element;
    private final Schema linked;
    private final List<SchemaReference> references;
    private final Map<String, ProtoFileElement> imported;
    private final String canonical;

    ParsedProtobufSchema(ProtoFileElement element, Schema linked, List<SchemaReference> references,
                         Map<String, ProtoFileElement> imported) {
        this.element = element;
        this.linked = linked;
        this.references = List.copyOf(references);
        this.imported = Collections.unmodifiableMap(new LinkedHashMap<>(imported));
        this.canonical = render(element);
    }

    /** Wire's rendering without its header comments (which name the file). */
    static String render(ProtoFileElement element) {
        StringBuilder out = new StringBuilder();
        for (String line : element.toSchema().split("\n", -1)) {
            if (out.isEmpty() && (line.startsWith("//") || line.isBlank())) {
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }

    Schema linked() {
        return linked;
    }

    @Override
    public String schemaType() {
        return ProtobufSchemaProvider.PROTOBUF;
    }

    @Override
    public String canonical() {
        return canonical;
    }

    @Override
    public List<SchemaReference> references() {
        return references;
    }

    /** See {@link ProtobufNormalizer}. */
    @Override
    public ParsedProtobufSchema normalize() {
        ProtoFileElement normalized = ProtobufNormalizer.normalize(element, linked);
        return new ParsedProtobufSchema(normalized, ProtobufSchemaProvider.link(normalized, imported), references,
            imported);
    }

    @Override
    public List<String> backwardProblems(ParsedSchema original, Roles roles) {
        return DiffContext.incompatible(ProtobufDiff.compare(((ParsedProtobufSchema) original).linked(), linked),
            (change, path) -> change.describe(path, roles.update(), roles.original()));
    }
}
