package io.millrace.broker.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens every file channel the storage layer reads or writes, so tests can substitute a
 * channel that fails writes, fsyncs or reads on demand (fault injection).
 */
@FunctionalInterface
public interface FileChannelFactory {

    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** Plain {@link FileChannel#open}. */
    FileChannelFactory DEFAULT = FileChannel::open;
}
