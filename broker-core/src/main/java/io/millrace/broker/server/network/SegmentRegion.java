package io.millrace.broker.server.network;

import io.millrace.broker.log.FileSlice;
import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A range of a segment file sent with sendfile. Netty's {@link DefaultFileRegion} closes its
 * channel when released, but segment channels belong to the log, so this region only ends the
 * slice's pin ({@link FileSlice#pinChannel()}), which kept the descriptor open for the send.
 */
final class SegmentRegion extends DefaultFileRegion {

    private final FileSlice slice;

    /** @param pinned the slice's pinned channel */
    SegmentRegion(FileSlice slice, FileChannel pinned) {
        super(pinned, slice.position(), slice.sizeInBytes());
        this.slice = slice;
    }

    @Override
    protected void deallocate() {
        slice.unpinChannel();
    }

    /**
     * Whether Netty's native sendfile can use the channel: it reads the JDK's own file
     * descriptor field, so wrapped channels (fault-injection tests) must be copied instead.
     */
    static boolean canSendFile(FileChannel channel) {
        return channel.getClass().getName().equals("sun.nio.ch.FileChannelImpl");
    }
}
