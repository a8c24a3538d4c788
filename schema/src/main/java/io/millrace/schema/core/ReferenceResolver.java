package io.millrace.schema.core;

/** Looks up a referenced version (the registry's state, or the client's cache). */
@FunctionalInterface
public interface ReferenceResolver {

    /** @return the referenced version's schema text and its own references, or null if it does not exist */
    RegisteredSchema resolve(SchemaReference reference);
}
