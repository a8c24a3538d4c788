package io.millrace.spark;

import static org.apache.spark.sql.functions.col;

import io.millrace.spark.avro.MillraceAvroFunctions;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The application {@link AllJarIT} submits with the {@code -all} jar: reads a topic through
 * {@code format("millrace")} as bytes, with {@code valueFormat=avro} and with
 * {@code from_millrace_avro}, copies it with an exactly-once streaming query (the sink's
 * transactions, resumed on the driver) to {@code <topic>-copy} and counts what a
 * {@code read_committed} batch read finds there, and says which of the connector's libraries its class loader sees at
 * their own names. Uses Spark's API and the connector's public functions only. Args:
 * bootstrap servers, registry URL, topic, checkpoint directory.
 */
public final class AllJarMain {

    private AllJarMain() {}

    public static void main(String[] args) throws Exception {
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
        Dataset<Row> decoded = raw.select(MillraceAvroFunctions.from_millrace_avro(
                        col("value"), topic + "-value", Map.of("schema.registry.url", registryUrl))
                .alias("customer"));
        for (Row row : decoded.selectExpr("customer.id", "customer.name").collectAsList()) {
            System.out.println("FUNCTION " + row.mkString("="));
        }
        StreamingQuery copy = spark.readStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .load()
                .select("key", "value")
                .writeStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("topic", topic + "-copy")
                .option("checkpointLocation", args[3])
                .trigger(Trigger.AvailableNow())
                .start();
        copy.awaitTermination();
        long copied = spark.read()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic + "-copy")
                .load()
                .count();
        System.out.println("COPIED " + copied);
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
