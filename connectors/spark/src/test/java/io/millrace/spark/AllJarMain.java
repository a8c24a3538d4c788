package io.millrace.spark;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The application {@link AllJarIT} submits with the {@code -all} jar: reads a topic through
 * {@code format("millrace")} as bytes and with {@code valueFormat=avro}, and says which of the
 * connector's libraries its class loader sees at their own names. Uses Spark's API only. Args:
 * bootstrap servers, registry URL, topic.
 */
public final class AllJarMain {

    private AllJarMain() {}

    public static void main(String[] args) {
        String bootstrap = args[0];
        String registryUrl = args[1];
        String topic = args[2];
        SparkSession spark = SparkSession.builder().appName("all-jar").getOrCreate();
        for (String name : List.of(
                "org.apache.kafka.clients.consumer.KafkaConsumer",
                "io.millrace.spark.shaded.org.apache.kafka.clients.consumer.KafkaConsumer",
                "io.millrace.spark.shaded.org.apache.avro.Schema",
                "io.millrace.spark.shaded.com.fasterxml.jackson.databind.ObjectMapper")) {
            System.out.println((isLoadable(name) ? "PRESENT " : "ABSENT ") + name);
        }
        Dataset<Row> raw = spark.read()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .load();
        System.out.println("COUNT " + raw.count());
        Dataset<Row> customers = spark.read()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("valueFormat", "avro")
                .option("schema.registry.url", registryUrl)
                .load();
        for (Row row : customers.selectExpr("value.id", "value.name").collectAsList()) {
            System.out.println("ROW " + row.mkString("="));
        }
        System.out.println("DONE");
        spark.stop();
    }

    private static boolean isLoadable(String className) {
        try {
            Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
