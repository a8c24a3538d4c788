package io.millrace.broker.log;

import java.io.IOException;

/**
 * An operation was refused because the process hit a resource limit (open files, memory
 * mappings), not because the data is at fault: the partition stays online and the next attempt
 * may succeed. The message names the limit and the setting to change.
 */
public final class ResourceLimitException extends IOException {

    private static final long serialVersionUID = 1L;

    public ResourceLimitException(String message, Throwable cause) {
        super(message, cause);
    }
}
