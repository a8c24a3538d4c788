package io.millrace.broker.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoConfiguration() {
        BrokerConfig config = ConfigLoader.load(null, Map.of(), List.of()).config();
        assertThat(config.getList(BrokerConfig.LISTENERS)).containsExactly("PLAINTEXT://127.0.0.1:9092");
        assertThat(config.logDirs()).containsExactly("./data");
        assertThat(config.logRetentionMs()).isEqualTo(168 * 3_600_000L);
        assertThat(config.getBoolean(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE)).isTrue();
    }

    @Test
    void overridesBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "num.partitions=2\nlog.dirs=/from/file\nlog.retention.ms=1000\n");
        BrokerConfig config = ConfigLoader.load(
                        file,
                        Map.of("MILLRACE_NUM_PARTITIONS", "3", "MILLRACE_LOG_DIRS", "/from/env", "HOME", "/root"),
                        List.of("num.partitions=4"))
                .config();
        assertThat(config.getInt(BrokerConfig.NUM_PARTITIONS)).isEqualTo(4);
        assertThat(config.logDirs()).containsExactly("/from/env");
        assertThat(config.logRetentionMs()).isEqualTo(1000);
        assertThat(config.isExplicit(BrokerConfig.LOG_RETENTION_MS)).isTrue();
        assertThat(config.isExplicit(BrokerConfig.LOG_SEGMENT_BYTES)).isFalse();
    }

    @Test
    void extensionKeysAreAcceptedAndHandedBackUnparsed() {
        ConfigLoader.Result result = ConfigLoader.load(
                null,
                Map.of("MILLRACE_SCHEMA_REGISTRY_LISTENERS", ""),
                List.of("num.partitions=2"),
                java.util.Set.of("schema.registry.listeners"));
        assertThat(result.warnings()).isEmpty();
        assertThat(result.extensionSettings()).containsExactlyEntriesOf(Map.of("schema.registry.listeners", ""));
        assertThat(result.config().explicitValues()).doesNotContainKey("schema.registry.listeners");
    }

    @Test
    void unknownKeysAreReportedNotFatal() {
        ConfigLoader.Result result =
                ConfigLoader.load(null, Map.of("MILLRACE_HEAP_OPTS", "-Xmx1g"), List.of("log.retention.hourz=1"));
        assertThat(result.warnings())
                .singleElement()
                .asString()
                .contains("log.retention.hourz")
                .contains("--override");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("num.partitions=zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("num.partitions=0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("default.replication.factor=3")))
                .hasMessageContaining("single-node");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), List.of("noequals")))
                .hasMessageContaining("key=value");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.properties"), Map.of(), List.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void retentionMinusOneMeansForever() {
        BrokerConfig config = ConfigLoader.load(null, Map.of(), List.of("log.retention.ms=-1"))
                .config();
        assertThat(config.logRetentionMs()).isEqualTo(-1);
    }
}
