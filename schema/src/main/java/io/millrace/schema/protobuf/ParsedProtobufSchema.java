package io.millrace.schema.protobuf;

import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import io.millrace.schema.core.DiffContext;
import io.millrace.schema.core.ParsedSchema;
import io.millrace.schema.core.RegistryErrors;
import io.millrace.schema.core.SchemaReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .proto} file parsed and linked with its imports. The canonical text is Wire's
 * rendering of the parsed file (comments and layout dropped, declarations in the order written),
 * so equal files written differently share an id. Immutable, thread-safe.
 *
 * @param element the file as parsed
 * @param linked the file linked with its imports and the well-known types (every type name resolved)
 * @param imported the referenced files by import path
 */
record ParsedProtobufSchema(
        ProtoFileElement element,
        Schema linked,
        String canonical,
        List<SchemaReference> references,
        Map<String, ProtoFileElement> imported)
        implements ParsedSchema {

    ParsedProtobufSchema {
        references = List.copyOf(references);
        imported = Collections.unmodifiableMap(new LinkedHashMap<>(imported));
    }

    static ParsedProtobufSchema of(
            ProtoFileElement element,
            Schema linked,
            List<SchemaReference> references,
            Map<String, ProtoFileElement> imported) {
        return new ParsedProtobufSchema(element, linked, render(element), references, imported);
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

    @Override
    public String schemaType() {
        return ProtobufSchemaProvider.PROTOBUF;
    }

    /** See {@link ProtobufNormalizer}. */
    @Override
    public ParsedProtobufSchema normalize() {
        ProtoFileElement normalized = ProtobufNormalizer.normalize(element, linked);
        return of(normalized, ProtobufSchemaProvider.link(normalized, imported), references, imported);
    }

    @Override
    public List<String> backwardProblems(ParsedSchema original, Roles roles) {
        try {
            return DiffContext.incompatible(
                    ProtobufDiff.compare(((ParsedProtobufSchema) original).linked(), linked), roles);
        } catch (StackOverflowError e) {
            // imported message types are compared through their fields, one stack level per hop
            throw RegistryErrors.invalidSchema("Invalid Protobuf schema: its imported message types reference "
                    + "each other through more levels than a compatibility check can follow");
        }
    }
}
