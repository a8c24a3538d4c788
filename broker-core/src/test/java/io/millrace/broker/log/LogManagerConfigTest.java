package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LogManagerConfigTest {

    @Test
    void boundsOfOpenFilesAndMappingsDefaultToShareOfTheProcessLimits() {
        LogManagerConfig config = LogManagerConfig.from(BrokerConfig.defaults());

        assertThat(config.openFilesMax()).isEqualTo(ProcessLimits.defaultOpenFilesMax());
        assertThat(config.mappedIndexesMax()).isEqualTo(ProcessLimits.defaultMappedIndexesMax());
    }

    @Test
    void boundsOfOpenFilesAndMappingsCanBeSet() {
        LogManagerConfig config = LogManagerConfig.from(BrokerConfig.parse(
                Map.of(BrokerConfig.LOG_OPEN_FILES_MAX, "100", BrokerConfig.LOG_MAPPED_INDEXES_MAX, "50")));

        assertThat(config.openFilesMax()).isEqualTo(100);
        assertThat(config.mappedIndexesMax()).isEqualTo(50);
    }

    @Test
    void boundsOfOpenFilesAndMappingsMustBePositive() {
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfig.LOG_OPEN_FILES_MAX, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BrokerConfig.LOG_OPEN_FILES_MAX)
                .hasMessageContaining("must be at least 1");
        assertThatThrownBy(() -> BrokerConfig.parse(Map.of(BrokerConfig.LOG_MAPPED_INDEXES_MAX, "-3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BrokerConfig.LOG_MAPPED_INDEXES_MAX);
    }
}
