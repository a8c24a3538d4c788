package io.millrace.schema.core;

import java.util.List;

/**
 * A schema of one type (AVRO, JSON, PROTOBUF) parsed and validated together with the schemas it
 * references, as a {@link SchemaProvider} produced it. Immutable, thread-safe.
 */
public interface ParsedSchema {

    /** The registry's name of the type: {@code AVRO}, {@code JSON} or {@code PROTOBUF}. */
    String schemaType();

    /** The text the registry stores and compares: equal texts (with equal references) share an id. */
    String canonical();

    List<SchemaReference> references();

    /** The registry's {@code normalize=true} form: semantically equal schemas normalize to one text. */
    ParsedSchema normalize();

    /**
     * Confluent's {@code isBackwardCompatible}: the problems that keep this schema from replacing
     * {@code original} when this one must read everything {@code original} accepted (the
     * BACKWARD direction; FORWARD asks the same question with the roles swapped).
     *
     * @param original a schema of the same type
     * @param roles how the messages name this schema and {@code original}
     * @return one Confluent-style verbose message per problem; empty when compatible
     */
    List<String> backwardProblems(ParsedSchema original, Roles roles);

    /**
     * How compatibility messages name the two schemas of one check.
     *
     * @param update what this (the reading) schema is called: "new" or "old"
     * @param original what the other schema is called
     * @param summary one sentence naming the direction and the version, for types whose messages carry it
     */
    record Roles(String update, String original, String summary) {

        /** The candidate must read data written with {@code version}. */
        public static Roles backward(int version) {
            return new Roles("new", "old", "the new schema cannot read data written with version " + version);
        }

        /** {@code version} must read data written with the candidate. */
        public static Roles forward(int version) {
            return new Roles("old", "new", "version " + version + " cannot read data written with the new schema");
        }
    }
}
