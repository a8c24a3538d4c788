package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    private static LogConfig of(Map<String, String> overrides) {
        return LogConfig.of(LogConfig.brokerDefaults(BrokerConfig.defaults()), overrides);
    }

    @Test
    void acceptsEveryCleanupPolicyCombination() {
        assertThat(of(Map.of()).delete()).isTrue();
        assertThat(of(Map.of()).compact()).isFalse();
        LogConfig compact = of(Map.of(LogConfig.CLEANUP_POLICY, "compact"));
        assertThat(compact.compact()).isTrue();
        assertThat(compact.delete()).isFalse();
        LogConfig both = of(Map.of(LogConfig.CLEANUP_POLICY, "compact,delete"));
        assertThat(both.compact()).isTrue();
        assertThat(both.delete()).isTrue();
        assertThatThrownBy(() -> of(Map.of(LogConfig.CLEANUP_POLICY, "shred"))).isInstanceOf(ConfigException.class);
    }

    @Test
    void compactionSettingsDefaultToKafkasValues() {
        LogConfig config = of(Map.of());

        assertThat(config.deleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(config.minCompactionLagMs()).isZero();
        assertThat(config.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.minCleanableDirtyRatio()).isEqualTo(0.5);
        assertThat(CleanerConfig.defaults())
                .isEqualTo(new CleanerConfig(true, 1, 128L * 1024 * 1024, 512 * 1024, 15_000));
    }

    @Test
    void topicDefaultsComeFromTheBrokersLogCleanerKeys() {
        BrokerConfig broker = BrokerConfig.parse(Map.of(
                BrokerConfig.LOG_CLEANUP_POLICY, "compact",
                BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS, "1000",
                BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS, "2000",
                BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS, "3000",
                BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO, "0.25"));

        LogConfig config = LogConfig.of(LogConfig.brokerDefaults(broker), Map.of());

        assertThat(config.compact()).isTrue();
        assertThat(config.deleteRetentionMs()).isEqualTo(1000);
        assertThat(config.minCompactionLagMs()).isEqualTo(2000);
        assertThat(config.maxCompactionLagMs()).isEqualTo(3000);
        assertThat(config.minCleanableDirtyRatio()).isEqualTo(0.25);
    }

    @Test
    void rejectsAMinCompactionLagAboveTheMaximum() {
        assertThatThrownBy(() ->
                        of(Map.of(LogConfig.MIN_COMPACTION_LAG_MS, "5000", LogConfig.MAX_COMPACTION_LAG_MS, "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(LogConfig.MIN_COMPACTION_LAG_MS)
                .hasMessageContaining(LogConfig.MAX_COMPACTION_LAG_MS);
        assertThatThrownBy(() -> of(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "1.5")))
                .isInstanceOf(ConfigException.class);
    }
}
