package io.millrace.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark of the test JVM: {@code local[2,2]} (two threads; a failed task is tried once
 * more, as a cluster retries it), no UI, few shuffle partitions. Created on first use, stopped when
 * the JVM exits.
 */
public final class SparkTestSession {

    private static SparkSession session;

    private SparkTestSession() {}

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,2]")
                    .appName("millrace-connector-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.streaming.forceDeleteTempCheckpointLocation", "true")
                    .getOrCreate();
            SparkSession stopped = session;
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::stop, "spark-test-session-stop"));
        }
        return session;
    }
}
