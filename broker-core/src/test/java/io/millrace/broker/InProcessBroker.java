package io.millrace.broker;

import io.millrace.broker.common.Clock;
import io.millrace.broker.common.TempDirectory;
import io.millrace.broker.common.config.BrokerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole broker started in this JVM on a free loopback port over a temporary data directory, for
 * the in-process smoke tests with the real Java clients (the multi-process suites live in
 * integration-tests). A JUnit extension: started before each test, closed and its directory
 * deleted after.
 */
final class InProcessBroker implements BeforeEachCallback, AfterEachCallback {

    private final Map<String, String> settings;
    private Path dataDir;
    private Broker broker;

    /** @param settings broker settings beyond the listener and the data directory */
    InProcessBroker(Map<String, String> settings) {
        this.settings = settings;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dataDir = TempDirectory.create("millrace-broker");
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        all.put(BrokerConfig.LOG_DIRS, dataDir.toString());
        broker = Broker.start(BrokerConfig.parse(all), Clock.system());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (dataDir != null) {
            TempDirectory.delete(dataDir);
        }
    }

    /** {@code host:port} of the broker's listener. */
    String bootstrap() {
        return "127.0.0.1:" + broker.endpoints().get(0).port();
    }

    /** An admin client of the broker; the caller closes it. */
    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    /** Creates a topic through the admin client, waiting up to 30 s. */
    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
