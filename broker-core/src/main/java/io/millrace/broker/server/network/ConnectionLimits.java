package io.millrace.broker.server.network;

import io.millrace.broker.common.config.BrokerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's connection limits, as a handler in the pipeline of every listener's server channel, where
 * it sees each accepted connection before it is registered:
 *
 * <ul>
 *   <li>{@code max.connections}: while the broker holds that many connections, an accepted one
 *       waits here unregistered and the listeners stop accepting (further clients wait in the
 *       listen backlog); when a connection closes, the longest waiting one is admitted and
 *       accepting resumes. Kafka's acceptor likewise blocks until a slot is free.</li>
 *   <li>{@code max.connections.per.ip} and its per-host overrides: a connection from an address
 *       that already holds its maximum is closed at once, logged as Kafka logs it.</li>
 * </ul>
 *
 * <p>The limits can change at any time ({@link #update}); connections already admitted stay.
 * Thread-safe: counts and waiting connections are guarded by this object's monitor, since
 * connections are admitted on the acceptor thread and close on the network threads.
 */
@ChannelHandler.Sharable
final class ConnectionLimits extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

    /** The limits in force, host names of the overrides resolved. */
    record Limits(int maxConnections, int maxPerIp, Map<InetAddress, Integer> perIpOverrides) {

        /**
         * The limits {@code config} sets.
         *
         * @throws ConfigException when a host name of the overrides cannot be resolved
         */
        static Limits of(BrokerConfig config) {
            Map<InetAddress, Integer> overrides = new HashMap<>();
            for (Map.Entry<String, Integer> e :
                    config.maxConnectionsPerIpOverrides().entrySet()) {
                try {
                    overrides.put(InetAddress.getByName(e.getKey()), e.getValue());
                } catch (UnknownHostException ex) {
                    throw new ConfigException(
                            BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES,
                            config.getString(BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES),
                            "unknown host " + e.getKey());
                }
            }
            return new Limits(
                    config.getInt(BrokerConfig.MAX_CONNECTIONS),
                    config.getInt(BrokerConfig.MAX_CONNECTIONS_PER_IP),
                    Map.copyOf(overrides));
        }

        int maxFor(InetAddress address) {
            return perIpOverrides.getOrDefault(address, maxPerIp);
        }
    }

    /** An accepted connection waiting for a slot, with the listener's context that admits it. */
    private record Waiting(ChannelHandlerContext listener, Channel connection) {}

    private final Set<Channel> listeners = new CopyOnWriteArraySet<>();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private Limits limits;
    private int total;
    /** Whether this handler stopped the listeners from accepting. */
    private boolean paused;

    ConnectionLimits(Limits limits) {
        this.limits = limits;
    }

    /** Applies new limits; connections waiting for a slot are admitted as far as they allow. */
    void update(Limits next) {
        List<Waiting> admitted;
        synchronized (this) {
            limits = next;
            admitted = takeAdmissible();
        }
        admitted.forEach(this::register);
    }

    /** Connections held now (tests). */
    synchronized int connections() {
        return total;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        listeners.add(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        listeners.remove(ctx.channel());
        List<Waiting> abandoned = new ArrayList<>();
        synchronized (this) {
            waiting.removeIf(w -> w.listener() == ctx && abandoned.add(w));
        }
        abandoned.forEach(w -> w.connection().unsafe().closeForcibly());
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel connection = (Channel) msg;
        List<Waiting> admitted;
        synchronized (this) {
            waiting.add(new Waiting(ctx, connection));
            admitted = takeAdmissible();
            if (!waiting.isEmpty() && !paused) {
                paused = true;
                setAutoRead(false);
                log.info(
                        "The broker holds max.connections={} connections; new connections wait until one closes",
                        limits.maxConnections());
            }
        }
        admitted.forEach(this::register);
    }

    /**
     * Takes the waiting connections there is room for, counting them, and resumes accepting when
     * none waits any more. Connections over their address's limit are closed (and not counted).
     */
    private List<Waiting> takeAdmissible() {
        List<Waiting> admitted = new ArrayList<>();
        while (!waiting.isEmpty() && total < limits.maxConnections()) {
            Waiting next = waiting.poll();
            InetAddress address = addressOf(next.connection());
            int held = perAddress.getOrDefault(address, 0);
            int max = limits.maxFor(address);
            if (held >= max) {
                log.info(
                        "Rejected connection from {}, address already has the configured maximum of {} connections.",
                        address,
                        max);
                next.connection().unsafe().closeForcibly();
                continue;
            }
            perAddress.put(address, held + 1);
            total++;
            next.connection().closeFuture().addListener(f -> released(address));
            admitted.add(next);
        }
        if (waiting.isEmpty() && paused) {
            paused = false;
            setAutoRead(true);
        }
        return admitted;
    }

    private void released(InetAddress address) {
        List<Waiting> admitted;
        synchronized (this) {
            total--;
            perAddress.computeIfPresent(address, (a, held) -> held == 1 ? null : held - 1);
            admitted = takeAdmissible();
        }
        admitted.forEach(this::register);
    }

    /** Hands an admitted connection on to be registered, on its listener's thread. */
    private void register(Waiting admitted) {
        ChannelHandlerContext listener = admitted.listener();
        if (listener.executor().inEventLoop()) {
            listener.fireChannelRead(admitted.connection());
        } else {
            listener.executor().execute(() -> listener.fireChannelRead(admitted.connection()));
        }
    }

    private void setAutoRead(boolean accepting) {
        for (Channel listener : listeners) {
            listener.config().setAutoRead(accepting);
        }
    }

    private static InetAddress addressOf(Channel connection) {
        return ((InetSocketAddress) connection.remoteAddress()).getAddress();
    }
}
