package io.millrace.schema.core;

import java.util.List;
import org.apache.avro.Schema;

/** An Avro schema parsed with its references ({@link AvroSchemas.Parsed}), as the registry compares it. */
public record ParsedAvroSchema(Schema schema, String canonical, List<SchemaReference> references)
        implements ParsedSchema {

    ParsedAvroSchema(AvroSchemas.Parsed parsed) {
        this(parsed.schema(), parsed.canonical(), parsed.references());
    }

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
