package io.millrace.schema.protobuf;

import io.millrace.schema.core.DiffContext;

/**
 * The kinds of difference between two Protobuf schemas, named as Confluent names them, each
 * marked compatible or not. Protobuf's rules are the same in both directions: what breaks a
 * reader is a field's wire encoding changing under its number, a required field appearing or
 * disappearing, a message the other side needs vanishing, or oneof members colliding.
 */
enum ProtobufChange implements DiffContext.Change {
    PACKAGE_CHANGED("The package at path '{path}' in the {update} schema does not match the package in the "
            + "{original} schema"),
    MESSAGE_ADDED,
    MESSAGE_REMOVED("The {update} schema is missing a message at path '{path}' in the {original} schema"),
    ENUM_ADDED,
    ENUM_REMOVED,
    ENUM_CONST_ADDED,
    ENUM_CONST_CHANGED,
    ENUM_CONST_REMOVED,
    FIELD_ADDED,
    FIELD_REMOVED,
    FIELD_NAME_CHANGED,
    FIELD_KIND_CHANGED("The kind of a field at path '{path}' in the {update} schema does not match its kind "
            + "in the {original} schema"),
    FIELD_SCALAR_KIND_CHANGED("The kind of a scalar field at path '{path}' in the {update} schema does not "
            + "match its kind in the {original} schema"),
    FIELD_NAMED_TYPE_CHANGED("The type of a field at path '{path}' in the {update} schema does not match its "
            + "type in the {original} schema"),
    FIELD_NUMERIC_LABEL_CHANGED("The label of a numeric field at path '{path}' in the {update} schema does not "
            + "match its label in the {original} schema"),
    FIELD_STRING_OR_BYTES_LABEL_CHANGED,
    REQUIRED_FIELD_ADDED(
            "A required field at path '{path}' in the {update} schema is missing in the {original} schema"),
    REQUIRED_FIELD_REMOVED("The {update} schema is missing a required field at path '{path}' in the {original} schema"),
    ONEOF_ADDED,
    ONEOF_REMOVED,
    ONEOF_FIELD_ADDED,
    ONEOF_FIELD_REMOVED("The {update} schema is missing a oneof field at path '{path}' in the {original} schema"),
    MULTIPLE_FIELDS_MOVED_TO_ONEOF("Multiple fields in the oneof at path '{path}' in the {update} schema are "
            + "outside a oneof in the {original} schema"),
    FIELD_MOVED_TO_EXISTING_ONEOF("A field in the oneof at path '{path}' in the {update} schema is outside a "
            + "oneof in the {original} schema, and the oneof already existed there");

    /** Null for a compatible change. */
    private final String template;

    ProtobufChange() {
        this(null);
    }

    ProtobufChange(String template) {
        this.template = template;
    }

    @Override
    public String template() {
        return template;
    }
}
