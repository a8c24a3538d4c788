package io.millrace.schema.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.schema.core.RegistryException;
import org.junit.jupiter.api.Test;

class SchemaTypesTest {

    @Test
    void aMissingTypeIsAvroAndNamesAreCaseInsensitive() {
        assertThat(SchemaTypes.standard().provider(null).schemaType()).isEqualTo("AVRO");
        assertThat(SchemaTypes.standard().provider("").schemaType()).isEqualTo("AVRO");
        assertThat(SchemaTypes.standard().provider("avro").schemaType()).isEqualTo("AVRO");
        assertThat(SchemaTypes.standard().provider("protobuf").schemaType()).isEqualTo("PROTOBUF");
        assertThat(SchemaTypes.standard().provider("Json").schemaType()).isEqualTo("JSON");
    }

    @Test
    void theTypesAreListedAvroFirst() {
        assertThat(SchemaTypes.standard().names()).containsExactly("AVRO", "JSON", "PROTOBUF");
    }

    @Test
    void anUnknownTypeIs42201NamingTheSupportedOnes() {
        assertThatThrownBy(() -> SchemaTypes.standard().provider("XML"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(42201);
                    assertThat(e.httpStatus()).isEqualTo(422);
                })
                .hasMessageContaining("XML")
                .hasMessageContaining("AVRO")
                .hasMessageContaining("JSON")
                .hasMessageContaining("PROTOBUF");
    }
}
