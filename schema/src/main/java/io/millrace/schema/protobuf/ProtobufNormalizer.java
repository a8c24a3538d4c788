package io.millrace.schema.protobuf;

import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.MessageType;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.Type;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry's {@code normalize=true} form of a {@code .proto} file: imports and options (of
 * the file, messages, fields, oneofs, enums and constants) sorted, fields of a message or oneof
 * in field-number order, and every message or enum field type written by its fully qualified name
 * ({@code .pkg.Outer.Inner}), so files that differ only in those choices normalize to one text.
 * Declaration order of messages and enums is kept: serializers address messages by their index.
 * Stateless.
 */
final class ProtobufNormalizer {

    private static final Comparator<OptionElement> BY_NAME =
            Comparator.comparing(OptionElement::getName).thenComparing(o -> String.valueOf(o.getValue()));

    private ProtobufNormalizer() {}

    /** @param linked the file linked, for the fully qualified field types */
    static ProtoFileElement normalize(ProtoFileElement file, Schema linked) {
        List<Type> types = linked.protoFile(ProtobufSchemaProvider.ROOT_PATH).getTypes();
        return file.copy(
                file.getLocation(),
                file.getPackageName(),
                file.getSyntax(),
                sorted(file.getImports()),
                sorted(file.getPublicImports()),
                sorted(file.getWeakImports()),
                types(file.getTypes(), types),
                file.getServices(),
                file.getExtendDeclarations(),
                options(file.getOptions()));
    }

    private static List<TypeElement> types(List<TypeElement> elements, List<Type> linked) {
        Map<String, Type> byName = new HashMap<>();
        linked.forEach(t -> byName.put(t.getType().getSimpleName(), t));
        List<TypeElement> out = new ArrayList<>();
        for (TypeElement element : elements) {
            Type type = byName.get(element.getName());
            if (element instanceof MessageElement m && type instanceof MessageType mt) {
                out.add(message(m, mt));
            } else if (element instanceof EnumElement e) {
                out.add(e.copy(
                        e.getLocation(),
                        e.getName(),
                        e.getDocumentation(),
                        options(e.getOptions()),
                        e.getConstants().stream()
                                .map(c -> c.copy(
                                        c.getLocation(),
                                        c.getName(),
                                        c.getTag(),
                                        c.getDocumentation(),
                                        options(c.getOptions())))
                                .toList(),
                        e.getReserveds()));
            } else {
                out.add(element);
            }
        }
        return out;
    }

    private static MessageElement message(MessageElement m, MessageType linked) {
        Map<Integer, Field> fields = new HashMap<>();
        linked.getFieldsAndOneOfFields().forEach(f -> fields.put(f.getTag(), f));
        // Wire renders fields and oneofs in source-location order: renumber the lines to the new order
        int[] line = {0};
        List<FieldElement> top = fields(m.getFields(), fields, line);
        List<OneOfElement> oneOfs = new ArrayList<>();
        for (OneOfElement o : m.getOneOfs()) {
            Location at = o.getLocation()
                    .copy(o.getLocation().getBase(), o.getLocation().getPath(), ++line[0], 1);
            oneOfs.add(o.copy(
                    o.getName(),
                    o.getDocumentation(),
                    fields(o.getFields(), fields, line),
                    o.getGroups(),
                    options(o.getOptions()),
                    at));
        }
        return m.copy(
                m.getLocation(),
                m.getName(),
                m.getDocumentation(),
                types(m.getNestedTypes(), linked.getNestedTypes()),
                options(m.getOptions()),
                m.getReserveds(),
                top,
                oneOfs,
                m.getExtensions(),
                m.getGroups(),
                m.getExtendDeclarations());
    }

    private static List<FieldElement> fields(List<FieldElement> elements, Map<Integer, Field> linked, int[] line) {
        List<FieldElement> out = new ArrayList<>();
        for (FieldElement f : elements.stream()
                .sorted(Comparator.comparingInt(FieldElement::getTag))
                .toList()) {
            Field field = linked.get(f.getTag());
            String type = field == null || field.getType() == null ? f.getType() : qualified(field.getType());
            Location at = f.getLocation()
                    .copy(f.getLocation().getBase(), f.getLocation().getPath(), ++line[0], 1);
            out.add(f.copy(
                    at,
                    f.getLabel(),
                    type,
                    f.getName(),
                    f.getDefaultValue(),
                    f.getJsonName(),
                    f.getTag(),
                    f.getDocumentation(),
                    options(f.getOptions())));
        }
        return out;
    }

    private static String qualified(ProtoType type) {
        if (type.isScalar()) {
            return type.toString();
        }
        if (type.isMap()) {
            return "map<" + qualified(type.getKeyType()) + ", " + qualified(type.getValueType()) + ">";
        }
        return "." + type;
    }

    private static List<OptionElement> options(List<OptionElement> options) {
        return options.stream().sorted(BY_NAME).toList();
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }
}
