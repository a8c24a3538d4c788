package io.millrace.schema.json;

import io.millrace.schema.core.DiffContext;

/**
 * The kinds of difference between two JSON schemas, named as Confluent names them, each marked
 * compatible or not for the BACKWARD direction: the update (new) schema must accept every
 * document the original (old) one accepted. Widening is compatible, narrowing is not.
 */
enum JsonChange implements DiffContext.Change {
    TYPE_CHANGED(Message.TYPE_CHANGED),
    TYPE_EXTENDED,
    TYPE_NARROWED(Message.TYPE_CHANGED),
    SCHEMA_ADDED(Message.KEYWORD),
    SCHEMA_REMOVED,

    MAX_LENGTH_ADDED(Message.KEYWORD),
    MAX_LENGTH_REMOVED,
    MAX_LENGTH_INCREASED,
    MAX_LENGTH_DECREASED(Message.DECREASED),
    MIN_LENGTH_ADDED(Message.KEYWORD),
    MIN_LENGTH_REMOVED,
    MIN_LENGTH_INCREASED(Message.INCREASED),
    MIN_LENGTH_DECREASED,
    PATTERN_ADDED(Message.KEYWORD),
    PATTERN_REMOVED,
    PATTERN_CHANGED(Message.VALUE_CHANGED),

    MAXIMUM_ADDED(Message.KEYWORD),
    MAXIMUM_REMOVED,
    MAXIMUM_INCREASED,
    MAXIMUM_DECREASED(Message.DECREASED),
    MINIMUM_ADDED(Message.KEYWORD),
    MINIMUM_REMOVED,
    MINIMUM_INCREASED(Message.INCREASED),
    MINIMUM_DECREASED,
    EXCLUSIVE_MAXIMUM_ADDED(Message.KEYWORD),
    EXCLUSIVE_MAXIMUM_REMOVED,
    EXCLUSIVE_MAXIMUM_INCREASED,
    EXCLUSIVE_MAXIMUM_DECREASED(Message.DECREASED),
    EXCLUSIVE_MINIMUM_ADDED(Message.KEYWORD),
    EXCLUSIVE_MINIMUM_REMOVED,
    EXCLUSIVE_MINIMUM_INCREASED(Message.INCREASED),
    EXCLUSIVE_MINIMUM_DECREASED,
    MULTIPLE_OF_ADDED(Message.KEYWORD),
    MULTIPLE_OF_REMOVED,
    MULTIPLE_OF_EXPANDED(Message.INCREASED),
    MULTIPLE_OF_REDUCED,
    MULTIPLE_OF_CHANGED(Message.VALUE_CHANGED),

    REQUIRED_ATTRIBUTE_ADDED(Message.KEYWORD),
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    REQUIRED_ATTRIBUTE_REMOVED,
    MAX_PROPERTIES_ADDED(Message.KEYWORD),
    MAX_PROPERTIES_REMOVED,
    MAX_PROPERTIES_INCREASED,
    MAX_PROPERTIES_DECREASED(Message.DECREASED),
    MIN_PROPERTIES_ADDED(Message.KEYWORD),
    MIN_PROPERTIES_REMOVED,
    MIN_PROPERTIES_INCREASED(Message.INCREASED),
    MIN_PROPERTIES_DECREASED,
    ADDITIONAL_PROPERTIES_ADDED,
    ADDITIONAL_PROPERTIES_REMOVED(Message.KEYWORD),
    ADDITIONAL_PROPERTIES_EXTENDED,
    ADDITIONAL_PROPERTIES_NARROWED(Message.FEWER),
    DEPENDENCY_ARRAY_ADDED(Message.KEYWORD),
    DEPENDENCY_ARRAY_REMOVED,
    DEPENDENCY_ARRAY_EXTENDED(Message.MORE),
    DEPENDENCY_ARRAY_NARROWED,
    DEPENDENCY_ARRAY_CHANGED(Message.VALUE_CHANGED),
    DEPENDENCY_SCHEMA_ADDED(Message.KEYWORD),
    DEPENDENCY_SCHEMA_REMOVED,
    PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL(Message.ADDED_TO_OPEN),
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL(Message.REQUIRED_ADDED_TO_UNOPEN),
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL(Message.REMOVED_FROM_CLOSED),
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(Message.ADDED_NOT_COVERED),
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(Message.REMOVED_NOT_COVERED),

    MAX_ITEMS_ADDED(Message.KEYWORD),
    MAX_ITEMS_REMOVED,
    MAX_ITEMS_INCREASED,
    MAX_ITEMS_DECREASED(Message.DECREASED),
    MIN_ITEMS_ADDED(Message.KEYWORD),
    MIN_ITEMS_REMOVED,
    MIN_ITEMS_INCREASED(Message.INCREASED),
    MIN_ITEMS_DECREASED,
    UNIQUE_ITEMS_ADDED(Message.KEYWORD),
    UNIQUE_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_ADDED,
    ADDITIONAL_ITEMS_REMOVED(Message.KEYWORD),
    ADDITIONAL_ITEMS_EXTENDED,
    ADDITIONAL_ITEMS_NARROWED(Message.FEWER),
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL(Message.ADDED_TO_OPEN),
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL(Message.REMOVED_FROM_CLOSED),
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(Message.ADDED_NOT_COVERED),
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(Message.REMOVED_NOT_COVERED),

    ENUM_ARRAY_EXTENDED,
    ENUM_ARRAY_NARROWED(Message.FEWER),
    ENUM_ARRAY_CHANGED(Message.TYPE_CHANGED),

    COMBINED_TYPE_EXTENDED,
    COMBINED_TYPE_CHANGED(Message.TYPE_CHANGED),
    PRODUCT_TYPE_EXTENDED(Message.MORE),
    PRODUCT_TYPE_NARROWED,
    SUM_TYPE_EXTENDED,
    SUM_TYPE_NARROWED(Message.FEWER),
    COMBINED_TYPE_SUBSCHEMAS_CHANGED(Message.TYPE_CHANGED),
    NOT_TYPE_EXTENDED(Message.MORE),
    NOT_TYPE_NARROWED;

    /** Message templates: {@code {path}}, {@code {update}} and {@code {original}} are filled in. */
    private enum Message {
        KEYWORD("The keyword at path '{path}' in the {update} schema is not present in the {original} schema"),
        INCREASED("The value at path '{path}' in the {update} schema is more than its value in the {original} "
                + "schema"),
        DECREASED("The value at path '{path}' in the {update} schema is less than its value in the {original} "
                + "schema"),
        VALUE_CHANGED("The value at path '{path}' is different between the {update} and {original} schema"),
        FEWER("An array or combined type at path '{path}' has fewer elements in the {update} schema than the "
                + "{original} schema"),
        MORE("An array or combined type at path '{path}' has more elements in the {update} schema than the "
                + "{original} schema"),
        TYPE_CHANGED("A type at path '{path}' is different between the {update} schema and the {original} schema"),
        ADDED_TO_OPEN("The {update} schema has an open content model and has a property or item at path '{path}' "
                + "which is missing in the {original} schema"),
        REQUIRED_ADDED_TO_UNOPEN("The {update} schema has an unopen content model and has a required property at "
                + "path '{path}' which is missing in the {original} schema"),
        REMOVED_FROM_CLOSED("The {update} schema has a closed content model and is missing a property or item "
                + "present at path '{path}' in the {original} schema"),
        REMOVED_NOT_COVERED("A property or item is missing in the {update} schema but present at path '{path}' in "
                + "the {original} schema and is not covered by its partially open content model"),
        ADDED_NOT_COVERED("The {update} schema has a property or item at path '{path}' which is missing in the "
                + "{original} schema and is not covered by its partially open content model");

        private final String template;

        Message(String template) {
            this.template = template;
        }
    }

    /** Null for a compatible change. */
    private final Message message;

    JsonChange() {
        this(null);
    }

    JsonChange(Message message) {
        this.message = message;
    }

    @Override
    public String template() {
        return message == null ? null : message.template;
    }
}
