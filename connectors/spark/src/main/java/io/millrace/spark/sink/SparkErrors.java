package io.millrace.spark.sink;

import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import scala.jdk.javaapi.CollectionConverters;

/** Spark's own exceptions, thrown from Java as spark-sql-kafka-0-10 throws them from Scala. Stateless. */
final class SparkErrors {

    private SparkErrors() {}

    /**
     * Throws an {@link AnalysisException} of the error class with its parameters. The exception is
     * checked in Java's eyes, unchecked in Scala's; callers write {@code throw analysis(...)}.
     */
    static RuntimeException analysis(String errorClass, Map<String, String> parameters) {
        scala.collection.immutable.Map<String, String> scalaParameters =
                scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(parameters));
        return SparkErrors.<RuntimeException>sneakyThrow(new AnalysisException(errorClass, scalaParameters));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }
}
