package io.millrace.schema.serde;

import org.apache.avro.Schema;

/**
 * Chooses the subject a record's schema is registered under (Confluent's
 * {@code key.subject.name.strategy} / {@code value.subject.name.strategy}).
 */
public interface SubjectNameStrategy {

    String subjectName(String topic, boolean isKey, Schema schema);
}
