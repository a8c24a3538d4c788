package io.millrace.broker.log;

import java.io.IOException;

/**
 * The process reached an operating-system limit (open files, memory mappings) even after the
 * storage layer released what it could; the message names the limit and the settings to change.
 * The operation that hit it was not done; nothing was damaged.
 */
public final class ResourceLimitException extends IOException {

    private static final long serialVersionUID = 1L;

    ResourceLimitException(String message, IOException cause) {
        super(message, cause);
    }
}
