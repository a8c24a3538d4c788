package io.millrace.flink.source;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Flink MiniClusters for the connector's tests. Every job they run restarts at most a few times
 * (a fixed-delay strategy in the cluster configuration, which jobs inherit), so a failing job
 * fails its test instead of restarting forever.
 */
public final class FlinkTestClusters {

    static final int SLOTS = 6;

    private FlinkTestClusters() {}

    /** The configuration every test cluster starts with. */
    public static Configuration configuration() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return config;
    }

    /** A MiniCluster for Flink's connector test framework. */
    static MiniClusterTestEnvironment connectorTestEnvironment() {
        Configuration config = configuration();
        // the framework's metrics test polls the REST API; its own default cluster sets this too
        config.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        return new MiniClusterTestEnvironment(resource(config)
                .setRpcServiceSharing(RpcServiceSharing.DEDICATED)
                .withHaLeadershipControl()
                .build());
    }

    /** A MiniCluster serving the tests of one class. */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(resource(configuration()).build());
    }

    private static MiniClusterResourceConfiguration.Builder resource(Configuration config) {
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(config)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(SLOTS);
    }
}
