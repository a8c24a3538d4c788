package io.millrace.broker.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.common.config.DynamicBrokerConfig.Level;
import io.millrace.broker.log.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamicBrokerConfigTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("broker-configs.properties");
    }

    private DynamicBrokerConfig load(Map<String, String> staticSettings) throws Exception {
        return DynamicBrokerConfig.load(BrokerConfig.parse(staticSettings), file());
    }

    private static void set(DynamicBrokerConfig config, Level level, Map<String, String> values) {
        config.alter(level, current -> values, false);
    }

    @Test
    void thisBrokerBeatsTheClusterDefaultWhichBeatsTheStaticValue() throws Exception {
        DynamicBrokerConfig config = load(Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "3000"));
        assertThat(config.current().getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(3000);

        set(config, Level.BROKER, Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "5000"));
        set(config, Level.CLUSTER_DEFAULT, Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "4000"));
        assertThat(config.current().getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(5000);

        set(config, Level.BROKER, Map.of());
        assertThat(config.current().getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(4000);
        set(config, Level.CLUSTER_DEFAULT, Map.of());
        assertThat(config.current().getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(3000);
        assertThat(config.snapshot().staticConfig().getInt(BrokerConfig.MESSAGE_MAX_BYTES))
                .isEqualTo(3000);
    }

    @Test
    void aDynamicRetentionInMillisecondsBeatsStaticHours() throws Exception {
        DynamicBrokerConfig config = load(Map.of(BrokerConfig.LOG_RETENTION_HOURS, "2"));

        set(config, Level.CLUSTER_DEFAULT, Map.of(BrokerConfig.LOG_RETENTION_MS, "60000"));

        assertThat(config.current().logRetentionMs()).isEqualTo(60000);
    }

    @Test
    void valuesSurviveARestartOfTheBroker() throws Exception {
        DynamicBrokerConfig config = load(Map.of());
        set(config, Level.BROKER, Map.of(BrokerConfig.LOG_SEGMENT_BYTES, "4096", "custom.key", "a=b c"));
        set(config, Level.CLUSTER_DEFAULT, Map.of(BrokerConfig.LOG_CLEANUP_POLICY, "compact,delete"));

        DynamicBrokerConfig reloaded = load(Map.of());

        assertThat(reloaded.snapshot().perBroker())
                .isEqualTo(Map.of(BrokerConfig.LOG_SEGMENT_BYTES, "4096", "custom.key", "a=b c"));
        assertThat(reloaded.snapshot().clusterDefault())
                .isEqualTo(Map.of(BrokerConfig.LOG_CLEANUP_POLICY, "compact,delete"));
        assertThat(reloaded.current().getInt(BrokerConfig.LOG_SEGMENT_BYTES)).isEqualTo(4096);
        assertThat(reloaded.current().getList(BrokerConfig.LOG_CLEANUP_POLICY)).containsExactly("compact", "delete");
        assertThat(Files.readString(file(), StandardCharsets.UTF_8))
                .contains("version=1")
                .contains("broker.log.segment.bytes=4096")
                .contains("cluster-default.log.cleanup.policy=compact,delete");
        assertThat(Files.exists(dir.resolve("broker-configs.properties.tmp"))).isFalse();
    }

    @Test
    void keysThatCannotChangeDynamicallyAreRefusedAsKafkaRefusesThem() throws Exception {
        DynamicBrokerConfig config = load(Map.of());

        assertThatThrownBy(() -> set(
                        config,
                        Level.BROKER,
                        Map.of(
                                BrokerConfig.LOG_RETENTION_MS, "1000",
                                BrokerConfig.NUM_PARTITIONS, "3",
                                BrokerConfig.LOG_DIRS, "/elsewhere")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Cannot update these configs dynamically: [log.dirs, num.partitions]");
        assertThat(config.snapshot().perBroker()).isEmpty();
        assertThat(Files.exists(file())).isFalse();
    }

    @Test
    void invalidValuesAreInvalidRequestsNamingTheKey() throws Exception {
        DynamicBrokerConfig config = load(Map.of());

        assertThatThrownBy(() -> set(config, Level.CLUSTER_DEFAULT, Map.of(BrokerConfig.LOG_RETENTION_MS, "soon")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid value soon for configuration log.retention.ms: Not a number of type LONG");
        assertThatThrownBy(() -> set(config, Level.CLUSTER_DEFAULT, Map.of(BrokerConfig.MAX_CONNECTIONS_PER_IP, "0")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("max.connections.per.ip.overrides");
        assertThatThrownBy(() -> set(
                        config,
                        Level.CLUSTER_DEFAULT,
                        Map.of(BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES, "127.0.0.1")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'127.0.0.1' is not host:count");
        assertThat(config.snapshot().clusterDefault()).isEmpty();
    }

    @Test
    void validateOnlyChecksWithoutPersistingOrApplying() throws Exception {
        DynamicBrokerConfig config = load(Map.of());
        List<BrokerConfig> applied = new ArrayList<>();
        config.addReconfigurable((previous, next) -> applied.add(next));

        config.alter(Level.BROKER, current -> Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "5000"), true);

        assertThat(config.snapshot().perBroker()).isEmpty();
        assertThat(applied).isEmpty();
        assertThat(Files.exists(file())).isFalse();
    }

    @Test
    void reconfigurablesValidateBeforeAndApplyAfterTheChangeIsPersisted() throws Exception {
        DynamicBrokerConfig config = load(Map.of());
        List<String> seen = new ArrayList<>();
        config.addReconfigurable(new BrokerReconfigurable() {
            @Override
            public void validateReconfiguration(BrokerConfig next) {
                if (next.getInt(BrokerConfig.LOG_CLEANER_THREADS) > 4) {
                    throw new ConfigException("at most 4 cleaner threads here");
                }
            }

            @Override
            public void reconfigure(BrokerConfig previous, BrokerConfig next) {
                seen.add(previous.getInt(BrokerConfig.LOG_CLEANER_THREADS) + "->"
                        + next.getInt(BrokerConfig.LOG_CLEANER_THREADS) + " persisted=" + Files.exists(file()));
            }
        });

        set(config, Level.BROKER, Map.of(BrokerConfig.LOG_CLEANER_THREADS, "3"));
        assertThatThrownBy(() -> set(config, Level.BROKER, Map.of(BrokerConfig.LOG_CLEANER_THREADS, "5")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("at most 4 cleaner threads here");

        assertThat(seen).containsExactly("1->3 persisted=true");
        assertThat(config.current().getInt(BrokerConfig.LOG_CLEANER_THREADS)).isEqualTo(3);
    }

    @Test
    void aChangeThatCannotBePersistedChangesNothing() throws Exception {
        DynamicBrokerConfig config = load(Map.of());
        // A directory where the file's temporary copy goes makes the write fail.
        Files.createDirectories(dir.resolve("broker-configs.properties.tmp").resolve("blocker"));

        assertThatThrownBy(() -> set(config, Level.BROKER, Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "5000")))
                .isInstanceOf(KafkaStorageException.class);

        assertThat(config.snapshot().perBroker()).isEmpty();
        assertThat(config.current().getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(1048588);
    }

    @Test
    void storedValuesThatNoLongerApplyAreIgnoredAtStartup() throws Exception {
        Files.writeString(
                file(),
                "version=1\n"
                        + "broker.num.partitions=3\n"
                        + "broker.log.retention.ms=soon\n"
                        + "broker.message.max.bytes=5000\n"
                        + "cluster-default.custom.key=kept\n",
                StandardCharsets.UTF_8);

        DynamicBrokerConfig config = load(Map.of());

        assertThat(config.snapshot().perBroker()).isEqualTo(Map.of(BrokerConfig.MESSAGE_MAX_BYTES, "5000"));
        assertThat(config.snapshot().clusterDefault()).isEqualTo(Map.of("custom.key", "kept"));
        assertThat(config.current().getInt(BrokerConfig.NUM_PARTITIONS)).isEqualTo(1);
        assertThat(config.current().getInt(BrokerConfig.MESSAGE_MAX_BYTES)).isEqualTo(5000);
    }

    @Test
    void aFileOfAnotherFormatStopsTheBroker() throws Exception {
        Files.writeString(file(), "version=2\nbroker.message.max.bytes=5000\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("format version 2");
    }

    @Test
    void everyBrokerDefaultOfATopicSettingIsDynamic() {
        assertThat(DynamicBrokerConfig.DYNAMIC_KEYS).containsAll(LogConfig.BROKER_SYNONYMS.values());
        assertThat(DynamicBrokerConfig.DYNAMIC_KEYS)
                .allSatisfy(key -> assertThat(BrokerConfig.isKnownKey(key)).isTrue());
    }
}
