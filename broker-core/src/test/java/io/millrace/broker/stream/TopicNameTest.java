package io.millrace.broker.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;

class TopicNameTest {

    @Test
    void acceptsKafkaNamesAndStreamQualifiedNames() {
        assertThat(TopicName.isValid("orders")).isTrue();
        assertThat(TopicName.isValid("a.b_c-D9")).isTrue();
        assertThat(TopicName.isValid("payments:card-events")).isTrue();
        assertThat(TopicName.stream("payments:card-events")).contains("payments");
        assertThat(TopicName.stream("orders")).isEmpty();
    }

    @Test
    void rejectsIllegalNamesWithAReason() {
        assertThatThrownBy(() -> TopicName.validate("")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> TopicName.validate("..")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> TopicName.validate("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> TopicName.validate("a:b:c")).hasMessageContaining("more than one ':'");
        assertThatThrownBy(() -> TopicName.validate(":topic")).hasMessageContaining("empty stream");
        assertThatThrownBy(() -> TopicName.validate("stream:")).hasMessageContaining("empty topic");
        assertThatThrownBy(() -> TopicName.validate("x".repeat(250))).hasMessageContaining("249");
    }

    @Test
    void dotsAndUnderscoresCollide() {
        assertThat(TopicName.collisionKey("a.b")).isEqualTo(TopicName.collisionKey("a_b"));
        assertThat(TopicName.collisionKey("a.b")).isNotEqualTo(TopicName.collisionKey("a-b"));
    }
}
