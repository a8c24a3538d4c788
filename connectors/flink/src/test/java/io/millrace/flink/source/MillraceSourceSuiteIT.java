package io.millrace.flink.source;

import io.millrace.flink.source.MillraceSourceExternalContext.Layout;
import io.millrace.testing.MillraceBroker;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's own source test suite (single and multiple splits, savepoint restore with the same,
 * higher and lower parallelism, metrics, idle readers, task-manager failure) against a real
 * broker, for both split layouts and both checkpointing modes.
 */
class MillraceSourceSuiteIT extends SourceTestSuiteBase<String> {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @TestEnv
    final MiniClusterTestEnvironment flink = FlinkTestClusters.connectorTestEnvironment();

    @TestSemantics
    final CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE};

    @TestContext
    final ExternalContextFactory<MillraceSourceExternalContext> partitions =
            testName -> new MillraceSourceExternalContext(broker.bootstrap(), Layout.PARTITIONS);

    @TestContext
    final ExternalContextFactory<MillraceSourceExternalContext> streamTopics =
            testName -> new MillraceSourceExternalContext(broker.bootstrap(), Layout.STREAM_TOPICS);
}
