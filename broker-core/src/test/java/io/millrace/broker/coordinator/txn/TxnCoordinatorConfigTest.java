package io.millrace.broker.coordinator.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.broker.common.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TxnCoordinatorConfigTest {

    /** Flink's exactly-once sinks commonly run with transaction.timeout.ms of one hour. */
    private static final int FLINK_TRANSACTION_TIMEOUT_MS = 3_600_000;

    @Test
    void defaultMaximumAdmitsAnExactlyOnceSinksOneHourTransactionTimeout() {
        TxnCoordinatorConfig config = TxnCoordinatorConfig.from(
                ConfigLoader.load(null, Map.of(), List.of()).config());

        assertThat(config.maxTimeoutMs()).isGreaterThanOrEqualTo(FLINK_TRANSACTION_TIMEOUT_MS);
    }

    @Test
    void transactionSettingsUseKafkasKeys() {
        TxnCoordinatorConfig config = TxnCoordinatorConfig.from(ConfigLoader.load(
                        null,
                        Map.of(),
                        List.of(
                                "transaction.max.timeout.ms=120000", "transaction.state.log.num.partitions=3",
                                "transactional.id.expiration.ms=5000",
                                        "transaction.partition.verification.enable=false"))
                .config());

        assertThat(config.maxTimeoutMs()).isEqualTo(120_000);
        assertThat(config.statePartitions()).isEqualTo(3);
        assertThat(config.transactionalIdExpirationMs()).isEqualTo(5000);
        assertThat(config.partitionVerification()).isFalse();
    }
}
