package io.millrace.schema.core;

import java.util.List;
import org.apache.avro.Schema;

/**
 * An Avro schema parsed together with the schemas it references.
 *
 * @param schema the parsed schema (referenced named types resolved)
 * @param canonical the text the registry stores and compares: Avro's compact JSON rendering,
 *                  referenced named types written by name instead of inlined
 * @param references the references as given
 */
public record ParsedAvroSchema(Schema schema, String canonical, List<SchemaReference> references)
        implements ParsedSchema {

    @Override
    public String schemaType() {
        return AvroSchemas.AVRO;
    }

    @Override
    public ParsedAvroSchema normalize() {
        return new ParsedAvroSchema(schema, AvroSchemas.normalize(canonical), references);
    }

    /** Avro's reader/writer check with this schema reading data written with {@code original}. */
    @Override
    public List<String> backwardProblems(ParsedSchema original, Roles roles) {
        return AvroCompatibility.readProblems(schema, ((ParsedAvroSchema) original).schema(), roles);
    }
}
