package io.millrace.schema.core;

import java.util.List;

/** The AVRO type: {@link AvroSchemas} parsing, Avro's reader/writer compatibility. Stateless. */
public final class AvroSchemaProvider implements SchemaProvider {

    @Override
    public String schemaType() {
        return AvroSchemas.AVRO;
    }

    @Override
    public ParsedSchema parse(String text, List<SchemaReference> references, ReferenceResolver resolver) {
        return new ParsedAvroSchema(AvroSchemas.parse(text, references, resolver));
    }
}
