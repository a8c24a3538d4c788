package io.millrace.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.schema.client.RestClientException;
import io.millrace.schema.client.SchemaMetadata;
import io.millrace.schema.client.SchemaRegistryClient;
import io.millrace.schema.client.SchemaString;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The serializers' bytes, checked byte by byte against Confluent's documented wire format, with an
 * in-memory registry client (the round trip through a real registry and broker is AvroSerdeRoundTripIT).
 */
class WireFormatTest {

    private static final Schema USER = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"User\","
                    + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}");

    /** Hands out the id 0x01020304 for everything; knows no other id. */
    private static final class FixedIdClient implements SchemaRegistryClient {
        final Map<String, Integer> registered = new HashMap<>();

        @Override
        public int register(String subject, Schema schema, boolean normalize) {
            registered.put(subject, 0x01020304);
            return 0x01020304;
        }

        @Override
        public int getId(String subject, Schema schema, boolean normalize) throws RestClientException {
            throw new RestClientException("Subject '" + subject + "' not found.", 404, 40401);
        }

        @Override
        public Schema getSchemaById(int id) throws RestClientException {
            if (id != 0x01020304) {
                throw new RestClientException("Schema " + id + " not found", 404, 40403);
            }
            return USER;
        }

        @Override
        public int register(String subject, SchemaString schema, boolean normalize) throws IOException {
            throw new IOException("unused");
        }

        @Override
        public int getId(String subject, SchemaString schema, boolean normalize) throws IOException {
            throw new IOException("unused");
        }

        @Override
        public SchemaString getSchemaStringById(int id) throws IOException {
            throw new IOException("unused");
        }

        @Override
        public SchemaMetadata getLatestSchemaMetadata(String subject) throws IOException {
            throw new IOException("unused");
        }

        @Override
        public SchemaMetadata getSchemaMetadata(String subject, int version) throws IOException {
            throw new IOException("unused");
        }

        @Override
        public List<String> getAllSubjects() {
            return List.copyOf(registered.keySet());
        }
    }

    @Test
    void serializedBytesAreMagicZeroBigEndianIdThenPlainAvro() throws Exception {
        FixedIdClient client = new FixedIdClient();
        KafkaAvroSerializer serializer = new KafkaAvroSerializer(client);
        serializer.configure(Map.of(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused"), false);
        GenericRecord user = new GenericData.Record(USER);
        user.put("name", "ada");
        user.put("age", 36);

        byte[] bytes = serializer.serialize("people", user);

        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(new byte[] {bytes[1], bytes[2], bytes[3], bytes[4]}).containsExactly(1, 2, 3, 4);
        // Avro binary: string "ada" = zigzag length 6, 'a','d','a'; int 36 = zigzag 72
        assertThat(java.util.Arrays.copyOfRange(bytes, 5, bytes.length)).containsExactly(6, 'a', 'd', 'a', 72);
        GenericRecord plain = new GenericDatumReader<GenericRecord>(USER)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(plain).isEqualTo(user);
        assertThat(client.registered).containsOnlyKeys("people-value");

        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(client);
        deserializer.configure(Map.of(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused"), false);
        assertThat(deserializer.deserialize("people", bytes)).isEqualTo(user);
    }

    @Test
    void primitivesAndKeysFollowConfluentsConventions() {
        FixedIdClient client = new FixedIdClient();
        KafkaAvroSerializer serializer = new KafkaAvroSerializer(client);
        serializer.configure(Map.of(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused"), true);
        assertThat(serializer.serialize("t", "hi")).containsExactly(0, 1, 2, 3, 4, 4, 'h', 'i');
        assertThat(serializer.serialize("t", new byte[] {9, 8}))
                .as("bytes are written raw")
                .containsExactly(0, 1, 2, 3, 4, 9, 8);
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(client.registered).containsOnlyKeys("t-key");
    }

    @Test
    void badFramesAndUnknownIdsFailWithClearMessages() {
        KafkaAvroDeserializer deserializer = new KafkaAvroDeserializer(new FixedIdClient());
        deserializer.configure(Map.of(KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://unused"), false);
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 0, 0, 0, 1, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 99, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("id 99")
                .hasMessageContaining("40403");
    }

    @Test
    void subjectNameStrategiesAcceptConfluentClassNames() {
        KafkaAvroSerdeConfig config = new KafkaAvroSerdeConfig(Map.of(
                KafkaAvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://unused",
                KafkaAvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy",
                KafkaAvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"));
        assertThat(config.subjectNameStrategy(true).subjectName("t", true, USER))
                .isEqualTo("User");
        assertThat(config.subjectNameStrategy(false).subjectName("t", false, USER))
                .isEqualTo("t-User");
        assertThat(new TopicNameStrategy().subjectName("t", false, USER)).isEqualTo("t-value");
    }
}
