package io.millrace.schema.protobuf;

import io.millrace.schema.core.DiffContext;

/**
 * The kinds of difference between two Protobuf schemas, named as Confluent names them, each
 * marked compatible or not. Protobuf's rules are the same in both directions: what breaks a
 * reader is a field's wire encoding changing under its number, a required field appearing or
 * disappearing, a message the other side needs vanishing, or oneof members colliding.
 */
enum ProtobufChange implements DiffContext.Change {
    PACKAGE_CHANGED(
            false,
            "The package at path '{path}' in the {update} schema does not match the package in the "
                    + "{original} schema"),
    MESSAGE_ADDED(true, null),
    MESSAGE_REMOVED(false, "The {update} schema is missing a message at path '{path}' in the {original} schema"),
    ENUM_ADDED(true, null),
    ENUM_REMOVED(true, null),
    ENUM_CONST_ADDED(true, null),
    ENUM_CONST_CHANGED(true, null),
    ENUM_CONST_REMOVED(true, null),
    FIELD_ADDED(true, null),
    FIELD_REMOVED(true, null),
    FIELD_NAME_CHANGED(true, null),
    FIELD_KIND_CHANGED(
            false,
            "The kind of a field at path '{path}' in the {update} schema does not match its kind "
                    + "in the {original} schema"),
    FIELD_SCALAR_KIND_CHANGED(
            false,
            "The kind of a scalar field at path '{path}' in the {update} schema does not "
                    + "match its kind in the {original} schema"),
    FIELD_NAMED_TYPE_CHANGED(
            false,
            "The type of a field at path '{path}' in the {update} schema does not match its "
                    + "type in the {original} schema"),
    FIELD_NUMERIC_LABEL_CHANGED(
            false,
            "The label of a numeric field at path '{path}' in the {update} schema does not "
                    + "match its label in the {original} schema"),
    FIELD_STRING_OR_BYTES_LABEL_CHANGED(true, null),
    REQUIRED_FIELD_ADDED(
            false, "A required field at path '{path}' in the {update} schema is missing in the " + "{original} schema"),
    REQUIRED_FIELD_REMOVED(
            false, "The {update} schema is missing a required field at path '{path}' in the " + "{original} schema"),
    ONEOF_ADDED(true, null),
    ONEOF_REMOVED(true, null),
    ONEOF_FIELD_ADDED(true, null),
    ONEOF_FIELD_REMOVED(
            false, "The {update} schema is missing a oneof field at path '{path}' in the {original} " + "schema"),
    MULTIPLE_FIELDS_MOVED_TO_ONEOF(
            false,
            "Multiple fields in the oneof at path '{path}' in the {update} schema are "
                    + "outside a oneof in the {original} schema"),
    FIELD_MOVED_TO_EXISTING_ONEOF(
            false,
            "A field in the oneof at path '{path}' in the {update} schema is outside a "
                    + "oneof in the {original} schema, and the oneof already existed there");

    private final boolean compatible;
    private final String template;

    ProtobufChange(boolean compatible, String template) {
        this.compatible = compatible;
        this.template = template;
    }

    @Override
    public boolean compatible() {
        return compatible;
    }

    @Override
    public String template() {
        return template == null ? name() : template;
    }
}
