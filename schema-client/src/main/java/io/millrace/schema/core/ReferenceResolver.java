package io.millrace.schema.core;

/** Looks up a referenced version (the registry's state, or the client's cache). */
@FunctionalInterface
public interface ReferenceResolver {

    /** How deep references may nest; also where a cycle of references ends. */
    int MAX_DEPTH = 32;

    /** @return the referenced version's schema text and its own references, or null if it does not exist */
    RegisteredSchema resolve(SchemaReference reference);

    /**
     * The version {@code reference} names, at nesting {@code depth}, checked as every schema type
     * needs it: nested at most {@link #MAX_DEPTH} levels deep, existing, and of {@code type}.
     *
     * @param invalid      how the error messages start, e.g. "Invalid JSON schema"
     * @param sameTypeOnly how the message for another type ends, e.g. "a JSON schema can reference
     *                     JSON schemas only"
     * @throws RegistryException 42201 when a check fails
     */
    default RegisteredSchema resolveChecked(
            SchemaReference reference, int depth, String type, String invalid, String sameTypeOnly) {
        if (depth > MAX_DEPTH) {
            throw RegistryErrors.invalidSchema(invalid + ": references nest deeper than " + MAX_DEPTH + " levels");
        }
        RegisteredSchema target = resolve(reference);
        if (target == null) {
            throw RegistryErrors.invalidSchema(invalid + ": reference '" + reference.name() + "' to subject '"
                    + reference.subject() + "' version " + reference.version() + " does not exist");
        }
        if (!type.equals(target.schemaType())) {
            throw RegistryErrors.invalidSchema(invalid + ": reference '" + reference.name() + "' names subject '"
                    + reference.subject() + "' version " + reference.version() + ", a " + target.schemaType()
                    + " schema; " + sameTypeOnly);
        }
        return target;
    }
}
