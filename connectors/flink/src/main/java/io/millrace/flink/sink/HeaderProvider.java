package io.millrace.flink.sink;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of each element's record.
 *
 * @param <T> the type of the sink's elements
 */
@PublicEvolving
@FunctionalInterface
public interface HeaderProvider<T> extends Serializable {

    /** The headers of the record written for {@code element}. */
    Headers getHeaders(T element);
}
