package io.millrace.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogDirNamesTest {

    @Test
    void shouldEncodeTheStreamSeparator() {
        assertThat(LogDirNames.dirName("payments:orders", 3)).isEqualTo("payments%3Aorders-3");
        assertThat(LogDirNames.parse("payments%3Aorders-3")).contains(new TopicPartition("payments:orders", 3));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "orders",
                "my-topic-with-dashes",
                "a.b_c-d",
                "stream:topic",
                "s:t:u",
                "50%off",
                ".hidden",
                "..",
                "ünïcødé",
                "spaces are odd",
                "-",
                "x-1",
                "trailing-"
            })
    void shouldRoundTripAnyTopicName(String topic) {
        String dir = LogDirNames.dirName(topic, 12);

        assertThat(dir).matches("[A-Za-z0-9._%-]+").doesNotStartWith(".");
        assertThat(LogDirNames.parse(dir)).contains(new TopicPartition(topic, 12));
    }

    @Test
    void shouldRejectNamesTooLongForTheFileSystem() {
        String longest = "t".repeat(LogDirNames.MAX_DIR_NAME_BYTES - 2);
        assertThat(LogDirNames.dirName(longest, 0)).hasSize(255);
        assertThatThrownBy(() -> LogDirNames.dirName(longest, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("255");
        assertThatThrownBy(() -> LogDirNames.dirName(":".repeat(90), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogDirNames.dirName("", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogDirNames.dirName("t", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ".trash",
                "orders",
                "orders-",
                "-3",
                "orders-x",
                "orders-01",
                "a%3a-0",
                "a%3-0",
                "a:b-0",
                "lost+found",
                "orders-99999999999",
                "%FF-0"
            })
    void shouldNotParseNamesItDoesNotProduce(String dirName) {
        assertThat(LogDirNames.parse(dirName)).isEmpty();
    }
}
