package io.millrace.schema.json;

import io.millrace.schema.core.DiffContext;

/**
 * The kinds of difference between two JSON schemas, named as Confluent names them, each marked
 * compatible or not for the BACKWARD direction: the update (new) schema must accept every
 * document the original (old) one accepted. Widening is compatible, narrowing is not.
 */
enum JsonChange implements DiffContext.Change {
    TYPE_CHANGED(false, Message.TYPE_CHANGED),
    TYPE_EXTENDED(true, null),
    TYPE_NARROWED(false, Message.TYPE_CHANGED),
    SCHEMA_ADDED(false, Message.KEYWORD),
    SCHEMA_REMOVED(true, null),

    MAX_LENGTH_ADDED(false, Message.KEYWORD),
    MAX_LENGTH_REMOVED(true, null),
    MAX_LENGTH_INCREASED(true, null),
    MAX_LENGTH_DECREASED(false, Message.DECREASED),
    MIN_LENGTH_ADDED(false, Message.KEYWORD),
    MIN_LENGTH_REMOVED(true, null),
    MIN_LENGTH_INCREASED(false, Message.INCREASED),
    MIN_LENGTH_DECREASED(true, null),
    PATTERN_ADDED(false, Message.KEYWORD),
    PATTERN_REMOVED(true, null),
    PATTERN_CHANGED(false, Message.VALUE_CHANGED),

    MAXIMUM_ADDED(false, Message.KEYWORD),
    MAXIMUM_REMOVED(true, null),
    MAXIMUM_INCREASED(true, null),
    MAXIMUM_DECREASED(false, Message.DECREASED),
    MINIMUM_ADDED(false, Message.KEYWORD),
    MINIMUM_REMOVED(true, null),
    MINIMUM_INCREASED(false, Message.INCREASED),
    MINIMUM_DECREASED(true, null),
    EXCLUSIVE_MAXIMUM_ADDED(false, Message.KEYWORD),
    EXCLUSIVE_MAXIMUM_REMOVED(true, null),
    EXCLUSIVE_MAXIMUM_INCREASED(true, null),
    EXCLUSIVE_MAXIMUM_DECREASED(false, Message.DECREASED),
    EXCLUSIVE_MINIMUM_ADDED(false, Message.KEYWORD),
    EXCLUSIVE_MINIMUM_REMOVED(true, null),
    EXCLUSIVE_MINIMUM_INCREASED(false, Message.INCREASED),
    EXCLUSIVE_MINIMUM_DECREASED(true, null),
    MULTIPLE_OF_ADDED(false, Message.KEYWORD),
    MULTIPLE_OF_REMOVED(true, null),
    MULTIPLE_OF_EXPANDED(false, Message.INCREASED),
    MULTIPLE_OF_REDUCED(true, null),
    MULTIPLE_OF_CHANGED(false, Message.VALUE_CHANGED),

    REQUIRED_ATTRIBUTE_ADDED(false, Message.KEYWORD),
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED(true, null),
    REQUIRED_ATTRIBUTE_REMOVED(true, null),
    MAX_PROPERTIES_ADDED(false, Message.KEYWORD),
    MAX_PROPERTIES_REMOVED(true, null),
    MAX_PROPERTIES_INCREASED(true, null),
    MAX_PROPERTIES_DECREASED(false, Message.DECREASED),
    MIN_PROPERTIES_ADDED(false, Message.KEYWORD),
    MIN_PROPERTIES_REMOVED(true, null),
    MIN_PROPERTIES_INCREASED(false, Message.INCREASED),
    MIN_PROPERTIES_DECREASED(true, null),
    ADDITIONAL_PROPERTIES_ADDED(true, null),
    ADDITIONAL_PROPERTIES_REMOVED(false, Message.KEYWORD),
    ADDITIONAL_PROPERTIES_EXTENDED(true, null),
    ADDITIONAL_PROPERTIES_NARROWED(false, Message.FEWER),
    DEPENDENCY_ARRAY_ADDED(false, Message.KEYWORD),
    DEPENDENCY_ARRAY_REMOVED(true, null),
    DEPENDENCY_ARRAY_EXTENDED(false, Message.MORE),
    DEPENDENCY_ARRAY_NARROWED(true, null),
    DEPENDENCY_ARRAY_CHANGED(false, Message.VALUE_CHANGED),
    DEPENDENCY_SCHEMA_ADDED(false, Message.KEYWORD),
    DEPENDENCY_SCHEMA_REMOVED(true, null),
    PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL(false, Message.ADDED_TO_OPEN),
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL(true, null),
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL(false, Message.REQUIRED_ADDED_TO_UNOPEN),
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL(true, null),
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL(true, null),
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL(true, null),
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL(true, null),
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL(false, Message.REMOVED_FROM_CLOSED),
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true, null),
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false, Message.ADDED_NOT_COVERED),
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true, null),
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false, Message.REMOVED_NOT_COVERED),

    MAX_ITEMS_ADDED(false, Message.KEYWORD),
    MAX_ITEMS_REMOVED(true, null),
    MAX_ITEMS_INCREASED(true, null),
    MAX_ITEMS_DECREASED(false, Message.DECREASED),
    MIN_ITEMS_ADDED(false, Message.KEYWORD),
    MIN_ITEMS_REMOVED(true, null),
    MIN_ITEMS_INCREASED(false, Message.INCREASED),
    MIN_ITEMS_DECREASED(true, null),
    UNIQUE_ITEMS_ADDED(false, Message.KEYWORD),
    UNIQUE_ITEMS_REMOVED(true, null),
    ADDITIONAL_ITEMS_ADDED(true, null),
    ADDITIONAL_ITEMS_REMOVED(false, Message.KEYWORD),
    ADDITIONAL_ITEMS_EXTENDED(true, null),
    ADDITIONAL_ITEMS_NARROWED(false, Message.FEWER),
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL(false, Message.ADDED_TO_OPEN),
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL(true, null),
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL(true, null),
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL(true, null),
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL(true, null),
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL(false, Message.REMOVED_FROM_CLOSED),
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true, null),
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false, Message.ADDED_NOT_COVERED),
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true, null),
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false, Message.REMOVED_NOT_COVERED),

    ENUM_ARRAY_EXTENDED(true, null),
    ENUM_ARRAY_NARROWED(false, Message.FEWER),
    ENUM_ARRAY_CHANGED(false, Message.TYPE_CHANGED),

    COMBINED_TYPE_EXTENDED(true, null),
    COMBINED_TYPE_CHANGED(false, Message.TYPE_CHANGED),
    PRODUCT_TYPE_EXTENDED(false, Message.MORE),
    PRODUCT_TYPE_NARROWED(true, null),
    SUM_TYPE_EXTENDED(true, null),
    SUM_TYPE_NARROWED(false, Message.FEWER),
    COMBINED_TYPE_SUBSCHEMAS_CHANGED(false, Message.TYPE_CHANGED),
    NOT_TYPE_EXTENDED(false, Message.MORE),
    NOT_TYPE_NARROWED(true, null);

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

    private final boolean compatible;
    private final Message message;

    JsonChange(boolean compatible, Message message) {
        this.compatible = compatible;
        this.message = message;
    }

    @Override
    public boolean compatible() {
        return compatible;
    }

    @Override
    public String template() {
        return message == null ? name() : message.template;
    }
}
