package io.millrace.flink.source.enumerator.initializer;

import java.util.Properties;
import org.apache.flink.annotation.Internal;

/** An {@link OffsetsInitializer} that needs certain source properties; checked by the builder. */
@Internal
public interface OffsetsInitializerValidator {

    /**
     * Checks the properties the initializer needs.
     *
     * @throws IllegalStateException naming the missing or wrong property
     */
    void validate(Properties properties);
}
