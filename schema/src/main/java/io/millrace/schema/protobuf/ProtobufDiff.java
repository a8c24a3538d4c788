package io.millrace.schema.protobuf;

import static io.millrace.schema.protobuf.ProtobufChange.*;

import com.squareup.wire.schema.EnumConstant;
import com.squareup.wire.schema.EnumType;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.MessageType;
import com.squareup.wire.schema.OneOf;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.Type;
import io.millrace.schema.core.DiffContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compares an original Protobuf schema with an update, following Confluent's Protobuf rules, on
 * Wire's linked model (every type name resolved). Covered: the package; messages and enums added
 * or removed (top level and nested, by name); fields by number: added or removed (required ones
 * incompatible), renamed (compatible), kind changes (scalar or enum, message, map), scalar
 * changes outside a wire-compatible group (int32/int64/uint32/uint64/bool/enum; sint32/sint64;
 * string/bytes; fixed32/sfixed32; fixed64/sfixed64; float; double), label changes of numeric
 * fields (singular, repeated, required), message types renamed, or changed incompatibly when they
 * come from an imported file; oneofs added or removed, fields added to or removed from a oneof,
 * several fields moved into one oneof, a field moved into an existing oneof; enum constants
 * added, removed or renamed (compatible). Stateless, thread-safe.
 */
final class ProtobufDiff {

    private enum Kind {
        SCALAR,
        MESSAGE,
        MAP
    }

    /** The two linked schemas and the files being compared. */
    private record Sides(Schema original, Schema update) {}

    private ProtobufDiff() {}

    static List<DiffContext.Difference<ProtobufChange>> compare(Schema original, Schema update) {
        DiffContext<ProtobufChange> ctx = new DiffContext<>();
        ProtoFile o = original.protoFile(ProtobufSchemaProvider.ROOT_PATH);
        ProtoFile u = update.protoFile(ProtobufSchemaProvider.ROOT_PATH);
        if (!Objects.equals(o.getPackageName(), u.getPackageName())) {
            ctx.add(PACKAGE_CHANGED);
        }
        compareTypes(ctx, new Sides(original, update), o.getTypes(), u.getTypes());
        return ctx.differences();
    }

    private static void compareTypes(
            DiffContext<ProtobufChange> ctx, Sides sides, List<Type> original, List<Type> update) {
        Map<String, Type> o = index(original, t -> t.getType().getSimpleName());
        Map<String, Type> u = index(update, t -> t.getType().getSimpleName());
        Set<String> names = keysOfEither(o, u);
        for (String name : names) {
            Type ot = o.get(name);
            Type ut = u.get(name);
            ctx.enter(name);
            if (ut == null) {
                ctx.add(ot instanceof EnumType ? ENUM_REMOVED : MESSAGE_REMOVED);
            } else if (ot == null) {
                ctx.add(ut instanceof EnumType ? ENUM_ADDED : MESSAGE_ADDED);
            } else if (ot instanceof MessageType om && ut instanceof MessageType um) {
                compareMessage(ctx, sides, om, um);
            } else if (ot instanceof EnumType oe && ut instanceof EnumType ue) {
                compareEnum(ctx, oe, ue);
            } else {
                ctx.add(ot instanceof EnumType ? ENUM_REMOVED : MESSAGE_REMOVED);
                ctx.add(ut instanceof EnumType ? ENUM_ADDED : MESSAGE_ADDED);
            }
            ctx.leave();
        }
    }

    private static void compareMessage(DiffContext<ProtobufChange> ctx, Sides sides, MessageType o, MessageType u) {
        List<String> pair = List.of(o.getType().toString(), u.getType().toString());
        if (ctx.begin(pair)) {
            try {
                compareFields(ctx, sides, o, u);
            } finally {
                ctx.end(pair);
            }
        }
        compareTypes(ctx, sides, o.getNestedTypes(), u.getNestedTypes());
    }

    private static void compareFields(DiffContext<ProtobufChange> ctx, Sides sides, MessageType o, MessageType u) {
        Map<Integer, Field> oTop = byTag(o.getDeclaredFields());
        Map<Integer, Field> uTop = byTag(u.getDeclaredFields());
        Map<Integer, String> oOneOfOf = oneOfByTag(o);
        Map<Integer, String> uOneOfOf = oneOfByTag(u);
        Map<Integer, Field> oAll = byTag(o.getFieldsAndOneOfFields());
        Map<Integer, Field> uAll = byTag(u.getFieldsAndOneOfFields());
        for (OneOf oneOf : u.getOneOfs()) {
            int moved = 0;
            int existing = 0;
            for (Field f : oneOf.getFields()) {
                if (oTop.remove(f.getTag()) != null) {
                    moved++;
                } else if (oOneOfOf.containsKey(f.getTag())) {
                    existing++;
                }
            }
            if (moved > 1) {
                ctx.add(oneOf.getName(), MULTIPLE_FIELDS_MOVED_TO_ONEOF);
            } else if (moved == 1 && existing > 0) {
                ctx.add(oneOf.getName(), FIELD_MOVED_TO_EXISTING_ONEOF);
            }
        }
        compareOneOfs(ctx, sides, o, u, uAll.keySet());
        Set<Integer> tags = keysOfEither(oTop, uTop);
        for (int tag : tags) {
            Field of = oTop.get(tag);
            Field uf = uTop.get(tag);
            ctx.enter(Integer.toString(tag));
            if (uf == null) {
                ctx.add(of.isRequired() ? REQUIRED_FIELD_REMOVED : FIELD_REMOVED);
            } else if (of == null) {
                ctx.add(uf.isRequired() ? REQUIRED_FIELD_ADDED : FIELD_ADDED);
            } else {
                compareField(ctx, sides, of, uf);
            }
            ctx.leave();
        }
        // fields that moved into, out of or between oneofs: compare their contents by number too
        for (int tag : new TreeSet<>(oAll.keySet())) {
            String was = oOneOfOf.get(tag);
            String is = uOneOfOf.get(tag);
            if (uAll.containsKey(tag) && !Objects.equals(was, is)) {
                ctx.enter(Integer.toString(tag));
                compareField(ctx, sides, oAll.get(tag), uAll.get(tag));
                ctx.leave();
            }
        }
    }

    private static void compareOneOfs(
            DiffContext<ProtobufChange> ctx, Sides sides, MessageType o, MessageType u, Set<Integer> updateTags) {
        Map<String, OneOf> oOneOfs = index(o.getOneOfs(), OneOf::getName);
        Map<String, OneOf> uOneOfs = index(u.getOneOfs(), OneOf::getName);
        Set<String> names = keysOfEither(oOneOfs, uOneOfs);
        for (String name : names) {
            ctx.enter(name);
            OneOf oo = oOneOfs.get(name);
            OneOf uo = uOneOfs.get(name);
            if (uo == null) {
                ctx.add(ONEOF_REMOVED);
            } else if (oo == null) {
                ctx.add(ONEOF_ADDED);
            } else {
                Map<Integer, Field> of = byTag(oo.getFields());
                Map<Integer, Field> uf = byTag(uo.getFields());
                Set<Integer> tags = keysOfEither(of, uf);
                for (int tag : tags) {
                    ctx.enter(Integer.toString(tag));
                    if (!uf.containsKey(tag)) {
                        // a field that left the oneof but still exists was moved, not removed
                        if (!updateTags.contains(tag)) {
                            ctx.add(ONEOF_FIELD_REMOVED);
                        }
                    } else if (!of.containsKey(tag)) {
                        ctx.add(ONEOF_FIELD_ADDED);
                    } else {
                        compareField(ctx, sides, of.get(tag), uf.get(tag));
                    }
                    ctx.leave();
                }
            }
            ctx.leave();
        }
    }

    private static void compareField(DiffContext<ProtobufChange> ctx, Sides sides, Field o, Field u) {
        if (!o.getName().equals(u.getName())) {
            ctx.add(FIELD_NAME_CHANGED);
        }
        compareTypes(ctx, sides, label(o), label(u), o.getType(), u.getType());
    }

    /** Singular, repeated or required: proto3's implicit and explicit optional, and oneof members, are singular. */
    private static Field.Label label(Field f) {
        return f.isRepeated() ? Field.Label.REPEATED : f.isRequired() ? Field.Label.REQUIRED : Field.Label.OPTIONAL;
    }

    private static void compareTypes(
            DiffContext<ProtobufChange> ctx,
            Sides sides,
            Field.Label oLabel,
            Field.Label uLabel,
            ProtoType o,
            ProtoType u) {
        Kind ok = kind(sides.original(), o);
        Kind uk = kind(sides.update(), u);
        if (ok != uk) {
            ctx.add(FIELD_KIND_CHANGED);
            return;
        }
        switch (ok) {
            case SCALAR -> {
                ScalarGroup og = ScalarGroup.of(sides.original(), o);
                ScalarGroup ug = ScalarGroup.of(sides.update(), u);
                if (og != ug) {
                    ctx.add(FIELD_SCALAR_KIND_CHANGED);
                } else if (oLabel != null && uLabel != null && oLabel != uLabel) {
                    ctx.add(
                            og == ScalarGroup.STRING_OR_BYTES
                                    ? FIELD_STRING_OR_BYTES_LABEL_CHANGED
                                    : FIELD_NUMERIC_LABEL_CHANGED);
                }
            }
            case MAP -> {
                compareTypes(ctx, sides, null, null, o.getKeyType(), u.getKeyType());
                compareTypes(ctx, sides, null, null, o.getValueType(), u.getValueType());
            }
            default -> compareMessageTypes(ctx, sides, o, u);
        }
    }

    /** A message field: the type keeps its name (within its package); one from an import must stay compatible. */
    private static void compareMessageTypes(DiffContext<ProtobufChange> ctx, Sides sides, ProtoType o, ProtoType u) {
        String oLocal = localName(sides.original(), o);
        String uLocal = localName(sides.update(), u);
        if (!oLocal.equals(uLocal)) {
            ctx.add(FIELD_NAMED_TYPE_CHANGED);
            return;
        }
        String oFile = fileOf(sides.original(), o);
        String uFile = fileOf(sides.update(), u);
        String root = ProtobufSchemaProvider.ROOT_PATH;
        boolean local = root.equals(oFile) && root.equals(uFile);
        if (local
                || !(sides.original().getType(o) instanceof MessageType om)
                || !(sides.update().getType(u) instanceof MessageType um)) {
            return; // the root file's own messages are compared by name where they are declared
        }
        // Confluent reports what changed inside the other file from that type's own path (#/Outer/Inner/1)
        DiffContext<ProtobufChange> trial = ctx.subAt(List.of(oLocal.split("\\.")));
        compareMessage(trial, sides, om, um);
        ctx.addAll(trial);
        if (!trial.compatible()) {
            ctx.add(FIELD_NAMED_TYPE_CHANGED);
        }
    }

    private static Kind kind(Schema schema, ProtoType type) {
        if (type.isScalar() || schema.getType(type) instanceof EnumType) {
            return Kind.SCALAR;
        }
        return type.isMap() ? Kind.MAP : Kind.MESSAGE;
    }

    private static String localName(Schema schema, ProtoType type) {
        String full = type.toString();
        ProtoFile file = schema.protoFile(type);
        String pkg = file == null ? null : file.getPackageName();
        return pkg != null && full.startsWith(pkg + ".") ? full.substring(pkg.length() + 1) : full;
    }

    private static String fileOf(Schema schema, ProtoType type) {
        ProtoFile file = schema.protoFile(type);
        return file == null ? "" : file.getLocation().getPath();
    }

    private static void compareEnum(DiffContext<ProtobufChange> ctx, EnumType o, EnumType u) {
        Map<Integer, EnumConstant> oc = index(o.getConstants(), EnumConstant::getTag);
        Map<Integer, EnumConstant> uc = index(u.getConstants(), EnumConstant::getTag);
        Set<Integer> tags = keysOfEither(oc, uc);
        for (int tag : tags) {
            if (!uc.containsKey(tag)) {
                ctx.add(Integer.toString(tag), ENUM_CONST_REMOVED);
            } else if (!oc.containsKey(tag)) {
                ctx.add(Integer.toString(tag), ENUM_CONST_ADDED);
            } else if (!oc.get(tag).getName().equals(uc.get(tag).getName())) {
                ctx.add(Integer.toString(tag), ENUM_CONST_CHANGED);
            }
        }
    }

    /** The keys of either map, in order. */
    private static <K> Set<K> keysOfEither(Map<K, ?> original, Map<K, ?> update) {
        Set<K> keys = new TreeSet<>(original.keySet());
        keys.addAll(update.keySet());
        return keys;
    }

    private static Map<Integer, Field> byTag(List<Field> fields) {
        return index(fields, Field::getTag);
    }

    /** {@code values} by {@code key}, in a mutable map; where keys repeat (enum aliases share a number) the first wins. */
    private static <K, V> Map<K, V> index(List<V> values, Function<V, K> key) {
        Map<K, V> out = new HashMap<>();
        values.forEach(v -> out.putIfAbsent(key.apply(v), v));
        return out;
    }

    private static Map<Integer, String> oneOfByTag(MessageType message) {
        Map<Integer, String> out = new HashMap<>();
        message.getOneOfs().forEach(x -> x.getFields().forEach(f -> out.put(f.getTag(), x.getName())));
        return out;
    }

    /** Scalars whose encodings read each other (protobuf's "compatible types" table). */
    private enum ScalarGroup {
        GENERAL_NUMBER,
        SIGNED_NUMBER,
        STRING_OR_BYTES,
        FIXED32,
        FIXED64,
        FLOAT,
        DOUBLE;

        static ScalarGroup of(Schema schema, ProtoType type) {
            if (schema.getType(type) instanceof EnumType) {
                return GENERAL_NUMBER;
            }
            return switch (type.toString()) {
                case "int32", "int64", "uint32", "uint64", "bool" -> GENERAL_NUMBER;
                case "sint32", "sint64" -> SIGNED_NUMBER;
                case "string", "bytes" -> STRING_OR_BYTES;
                case "fixed32", "sfixed32" -> FIXED32;
                case "fixed64", "sfixed64" -> FIXED64;
                case "float" -> FLOAT;
                default -> DOUBLE;
            };
        }
    }
}
