package io.millrace.spark.sink;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A streaming query in a JVM of its own, for {@link SinkProcessKillIT}: copies the values of one
 * Millrace topic to another with the exactly-once sink, from its checkpoint, until it is killed.
 * Prints {@code progress <batch> <rows>} after every batch, and exits when the query fails.
 * Arguments: bootstrap servers, input
 * topic, output topic, checkpoint directory.
 */
public final class CopyQueryMain {

    private CopyQueryMain() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("millrace-copy-query")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        spark.streams().addListener(new ProgressPrinter());
        try {
            run(spark, bootstrap, args);
        } catch (Exception e) {
            // Spark's threads would keep the JVM alive: a failed query ends it
            System.out.println("failed " + e);
            System.exit(1);
        }
    }

    private static void run(SparkSession spark, String bootstrap, String[] args) throws Exception {
        spark.readStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", args[1])
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", "1000")
                .load()
                .selectExpr("CAST(value AS STRING) AS value")
                .writeStream()
                .format("millrace")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("topic", args[2])
                .option("checkpointLocation", args[3])
                .trigger(Trigger.ProcessingTime(100))
                .start()
                .awaitTermination();
    }

    private static final class ProgressPrinter extends StreamingQueryListener {

        @Override
        public void onQueryStarted(QueryStartedEvent event) {
            System.out.println("started " + event.id());
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            System.out.println("progress " + event.progress().batchId() + " "
                    + event.progress().numInputRows());
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
            System.out.println("terminated " + event.exception().getOrElse(() -> "normally"));
        }
    }
}
