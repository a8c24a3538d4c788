package io.millrace.spark.avro;

import io.millrace.schema.client.SchemaMetadata;
import io.millrace.spark.options.OptionNames;
import io.millrace.spark.options.PartitionsJson;
import io.millrace.spark.options.TopicLists;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * How the source turns a record's key and value into the {@code key} and {@code value} columns:
 * binary as they are, or, with {@code keyFormat}/{@code valueFormat} {@code avro}, decoded through
 * the registry into a struct (or other type) of the subject's latest or pinned version
 * ({@link AvroFormatOptions}). The reader schema is resolved once, when the DataFrame is loaded,
 * so every batch of a query has the same columns. Serializable, to travel with each task;
 * thread-safe.
 */
public final class SourceColumnFormats implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final SourceColumnFormats BINARY = new SourceColumnFormats(null, null);

    /** Null for a binary column. */
    private final RegistryAvroDeserializer key;

    private final RegistryAvroDeserializer value;

    private SourceColumnFormats(RegistryAvroDeserializer key, RegistryAvroDeserializer value) {
        this.key = key;
        this.value = value;
    }

    /** Binary key and value, as spark-sql-kafka-0-10 has them. */
    public static SourceColumnFormats binary() {
        return BINARY;
    }

    /**
     * The formats the source's options ask for, schemas looked up in the registry.
     *
     * @param options the source's options (names in any case)
     * @throws IllegalArgumentException naming the option that is missing or wrong
     */
    public static SourceColumnFormats of(Map<String, String> options) {
        Map<String, String> lower = AvroFormatOptions.lowerCased(options);
        boolean avroKey = AvroFormatOptions.isAvro(lower, AvroFormatOptions.KEY);
        boolean avroValue = AvroFormatOptions.isAvro(lower, AvroFormatOptions.VALUE);
        if (!avroKey && !avroValue) {
            return BINARY;
        }
        String topic = singleTopic(lower);
        return new SourceColumnFormats(
                avroKey ? deserializer(options, lower, AvroFormatOptions.KEY, topic) : null,
                avroValue ? deserializer(options, lower, AvroFormatOptions.VALUE, topic) : null);
    }

    private static RegistryAvroDeserializer deserializer(
            Map<String, String> options, Map<String, String> lower, AvroFormatOptions.Column column, String topic) {
        RegistrySettings registry = RegistrySettings.of(options, column.formatOption() + "=avro");
        String subject = AvroFormatOptions.subject(
                lower, column, topic, "the source does not read exactly one topic given by 'subscribe' or 'assign'");
        SchemaMetadata metadata = RegisteredSchemas.lookUp(
                registry, subject, AvroFormatOptions.version(lower, column.versionOption()), column.subjectOption());
        return new RegistryAvroDeserializer(
                registry,
                RegisteredSchemas.avroSchema(registry, metadata),
                "subject '" + subject + "' version " + metadata.version() + " (" + column.name() + " column)");
    }

    /** The one topic {@code subscribe} or {@code assign} names, or null. */
    private static String singleTopic(Map<String, String> lower) {
        String subscribe = lower.get(OptionNames.SUBSCRIBE);
        String assign = lower.get(OptionNames.ASSIGN);
        List<String> topics;
        if (subscribe != null && assign == null) {
            topics = TopicLists.split(subscribe);
        } else if (assign != null && subscribe == null) {
            topics = PartitionsJson.partitions(assign).stream()
                    .map(TopicPartition::topic)
                    .distinct()
                    .toList();
        } else {
            return null;
        }
        return topics.size() == 1 ? topics.get(0) : null;
    }

    public DataType keyType() {
        return key == null ? DataTypes.BinaryType : key.dataType();
    }

    public DataType valueType() {
        return value == null ? DataTypes.BinaryType : value.dataType();
    }

    /** The {@code key} column's internal value of a record's key. */
    public Object key(byte[] bytes) {
        return key == null ? bytes : key.decode(bytes);
    }

    /** The {@code value} column's internal value of a record's value. */
    public Object value(byte[] bytes) {
        return value == null ? bytes : value.decode(bytes);
    }
}
