package io.millrace.flink.sink;

import io.millrace.testing.MillraceBroker;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's own sink test suite (a bounded job; restore from a savepoint with the same, higher and
 * lower parallelism; the records-out metric) against a real broker, exactly once and at least once.
 */
class MillraceSinkSuiteIT extends SinkTestSuiteBase<String> {

    @RegisterExtension
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @TestEnv
    final MiniClusterTestEnvironment flink = SinkTestClusters.connectorTestEnvironment();

    @TestSemantics
    final CheckpointingMode[] semantics = {CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE};

    @TestContext
    final ExternalContextFactory<MillraceSinkExternalContext> streamTopic =
            testName -> new MillraceSinkExternalContext(broker.bootstrap());
}
