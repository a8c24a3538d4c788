package io.millrace.broker.log;

import java.io.IOException;
import java.nio.file.FileSystemException;
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

    /** Whether {@code e} is the JDK's report that the process has no file descriptor left (EMFILE). */
    static boolean isOutOfDescriptors(IOException e) {
        return e instanceof FileSystemException fs
                && fs.getReason() != null
                && fs.getReason().startsWith("Too many open files");
    }

    /**
     * {@code e} (or its cause) as a resource limit when it is one: already classified, the disk
     * holding {@code dir} is full, or the process is out of file descriptors; else null.
     */
    static ResourceLimitException of(Throwable e, Path dir) {
        if (e instanceof ResourceLimitException limit) {
            return limit;
        }
        if (e == null || !(e instanceof IOException)) {
            return e == null ? null : of(e.getCause(), dir);
        }
        if (isOutOfDescriptors((IOException) e)) {
            return new ResourceLimitException(
                    "the process is out of file descriptors (" + ProcessLimits.openFiles() + " open, limit "
                            + ProcessLimits.maxOpenFiles() + "); raise the limit (ulimit -n, LimitNOFILE) or lower "
                            + "log.open.files.max",
                    e);
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
