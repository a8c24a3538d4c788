package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.STREAM;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC;
import static io.millrace.flink.table.MillraceConnectorOptions.TOPIC_PATTERN;

import io.millrace.flink.source.MillraceSourceBuilder;
import java.util.List;
import org.apache.flink.configuration.ReadableConfig;

/**
 * What a table source reads: the topics of {@code topic}, the topics matching {@code topic-pattern},
 * or every topic of the streams of {@code stream} (exactly one is set, as
 * {@link TableOptionsValidation#validateSourceSubscription} checks). Immutable.
 */
record SourceSubscription(List<String> topics, String topicPattern, List<String> streams) {

    static SourceSubscription of(ReadableConfig options) {
        return new SourceSubscription(
                options.getOptional(TOPIC).orElse(List.of()),
                options.getOptional(TOPIC_PATTERN).orElse(null),
                options.getOptional(STREAM).orElse(List.of()));
    }

    void applyTo(MillraceSourceBuilder<?> builder) {
        if (!topics.isEmpty()) {
            builder.setTopics(topics);
        } else if (topicPattern != null) {
            builder.setTopicPattern(TableOptionsValidation.compile(topicPattern));
        } else {
            builder.setStreams(streams.toArray(String[]::new));
        }
    }
}
