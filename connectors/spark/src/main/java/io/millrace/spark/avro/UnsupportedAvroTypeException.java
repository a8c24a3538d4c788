package io.millrace.spark.avro;

/** An Avro schema or a Spark SQL type that Millrace's Avro conversion cannot map; the message names where. */
public final class UnsupportedAvroTypeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    UnsupportedAvroTypeException(String message) {
        super(message);
    }
}
