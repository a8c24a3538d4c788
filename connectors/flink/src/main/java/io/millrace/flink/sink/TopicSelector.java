package io.millrace.flink.sink;

import java.io.Serializable;
import java.util.function.Function;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Chooses the topic of each element (a name, or {@code stream:topic} for a Millrace stream).
 *
 * @param <T> the type of the sink's elements
 */
@PublicEvolving
@FunctionalInterface
public interface TopicSelector<T> extends Function<T, String>, Serializable {}
