package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class BrokerProcessTest {

    @Test
    void kafkaClusterIdsNeverStartWithADashThatTheStorageToolWouldTakeForAnOption() {
        // One id in 64 would start with '-' if drawn once; 20,000 draws make a miss all but certain to show.
        for (int i = 0; i < 20_000; i++) {
            String id = BrokerProcess.randomClusterId();
            assertThat(id).doesNotStartWith("-").hasSize(22);
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        }
    }
}
