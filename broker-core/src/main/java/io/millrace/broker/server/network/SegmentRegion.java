package io.millrace.broker.server.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A range of a segment file sent with sendfile. Netty's {@link DefaultFileRegion} closes its
 * channel when released, but segment channels belong to the log (which closes them after the
 * segment's deletion delay), so this region leaves the channel open.
 */
final class SegmentRegion extends DefaultFileRegion {

    SegmentRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // The log owns the channel.
    }

    /**
     * Whether Netty's native sendfile can use the channel: it reads the JDK's own file
     * descriptor field, so wrapped channels (fault-injection tests) must be copied instead.
     */
    static boolean canSendFile(FileChannel channel) {
        return channel.getClass().getName().equals("sun.nio.ch.FileChannelImpl");
    }
}
