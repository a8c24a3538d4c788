package io.millrace.broker.server;

import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Who sent a request and how: header fields, the listener it arrived on and the connection's
 * event loop (for timeouts and for returning to the connection's thread). Immutable.
 */
public record RequestContext(
        ApiKeys apiKey,
        short apiVersion,
        int correlationId,
        String clientId,
        Endpoint listener,
        SocketAddress clientAddress,
        String connectionId,
        long receivedNanos,
        EventLoop eventLoop) {

    /** Runs the task on the connection's event loop after a delay. */
    public io.netty.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return eventLoop.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Runs the task on the connection's event loop (at once if already there). */
    public void execute(Runnable task) {
        if (eventLoop.inEventLoop()) {
            task.run();
        } else {
            eventLoop.execute(task);
        }
    }

    /** "client 'x' at /127.0.0.1:5555" for log lines. */
    public String describeClient() {
        return "client '" + clientId + "' at " + clientAddress;
    }
}
