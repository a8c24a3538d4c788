package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.Path;

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

    /**
     * {@code e} as a resource limit when it is one (already classified, or the disk holding
     * {@code dir} is full), else null.
     */
    static ResourceLimitException of(IOException e, Path dir) {
        if (e instanceof ResourceLimitException limit) {
            return limit;
        }
        String message = e.getMessage();
        if (message != null && message.contains("No space left on device")) {
            return new ResourceLimitException(
                    "the disk holding " + dir + " is full (No space left on device); free space on it, or lower"
                            + " retention.bytes / retention.ms of the topics stored there",
                    e);
        }
        return null;
    }
}
