package io.millrace.flink.sink;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Flink MiniClusters for the sink's tests. Jobs inherit a restart strategy from the cluster
 * (a few fixed-delay attempts), so a failing job fails its test instead of restarting forever;
 * jobs that are meant to fail and recover set their own.
 */
final class SinkTestClusters {

    static final int SLOTS = 8;

    private SinkTestClusters() {}

    /** The configuration every test cluster starts with. */
    static Configuration configuration() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        // the framework's metrics test polls the REST API
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        return config;
    }

    /** A MiniCluster for Flink's connector test framework. */
    static MiniClusterTestEnvironment connectorTestEnvironment() {
        return new MiniClusterTestEnvironment(resource()
                .setRpcServiceSharing(RpcServiceSharing.DEDICATED)
                .withHaLeadershipControl()
                .build());
    }

    /** A MiniCluster serving the tests of one class. */
    static MiniClusterExtension extension() {
        return new MiniClusterExtension(resource().build());
    }

    private static MiniClusterResourceConfiguration.Builder resource() {
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration())
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(SLOTS);
    }
}
