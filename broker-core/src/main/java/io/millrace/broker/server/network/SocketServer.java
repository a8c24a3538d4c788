package io.millrace.broker.server.network;

import io.millrace.broker.common.config.BrokerConfig;
import io.millrace.broker.common.config.BrokerReconfigurable;
import io.millrace.broker.server.ApiRegistry;
import io.millrace.broker.server.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds every configured listener with Netty (native epoll where available, so fetch data
 * goes out with sendfile) and attaches a {@link FrameDecoder} and a {@link KafkaConnection}
 * to each accepted connection, once {@link ConnectionLimits} admits it. Event-loop threads are named
 * {@code millrace-network-N}. The connection limits follow changes of the dynamic broker
 * configuration ({@link #reconfigure}); everything else is fixed at startup.
 */
public final class SocketServer implements AutoCloseable, BrokerReconfigurable {

    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    private final BrokerConfig config;
    private volatile ApiRegistry registry;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelClass;
    private final List<Channel> serverChannels = new ArrayList<>();
    private final List<Endpoint> bound = new ArrayList<>();
    private final ConnectionLimits limits;

    /** @throws org.apache.kafka.common.config.ConfigException when a host of the connection limits is unknown */
    public SocketServer(BrokerConfig config) {
        this.config = config;
        this.limits = new ConnectionLimits(ConnectionLimits.Limits.of(config));
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.channelClass = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("millrace-acceptor", true), io);
        this.workers = new MultiThreadIoEventLoopGroup(
                config.getInt(BrokerConfig.NUM_NETWORK_THREADS),
                new DefaultThreadFactory("millrace-network", true),
                io);
    }

    /**
     * Binds all listeners, builds the handlers once the bound addresses are known (port 0
     * becomes a real port), then starts accepting connections.
     *
     * @return the endpoints actually bound
     * @throws KafkaException when a listener cannot be bound, naming it
     */
    public List<Endpoint> start(List<Endpoint> listeners, Function<List<Endpoint>, ApiRegistry> handlers) {
        for (Endpoint endpoint : listeners) {
            if (endpoint.securityProtocol() != SecurityProtocol.PLAINTEXT) {
                throw new KafkaException("Listener " + endpoint.uri() + " uses " + endpoint.securityProtocol()
                        + ", which this version of Millrace does not support; use PLAINTEXT");
            }
            Channel channel = bind(endpoint);
            serverChannels.add(channel);
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            bound.add(endpoint.withPort(port));
        }
        this.registry = handlers.apply(List.copyOf(bound));
        for (Channel channel : serverChannels) {
            channel.config().setAutoRead(true);
        }
        return List.copyOf(bound);
    }

    private Channel bind(Endpoint endpoint) {
        int maxFrame = config.getInt(BrokerConfig.SOCKET_REQUEST_MAX_BYTES);
        int maxInFlight = config.getInt(BrokerConfig.CONNECTION_MAX_INFLIGHT_REQUESTS);
        long idleMs = config.getLong(BrokerConfig.CONNECTIONS_MAX_IDLE_MS);
        int sendBuffer = config.getInt(BrokerConfig.SOCKET_SEND_BUFFER_BYTES);
        int receiveBuffer = config.getInt(BrokerConfig.SOCKET_RECEIVE_BUFFER_BYTES);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_BACKLOG, config.getInt(BrokerConfig.SOCKET_LISTEN_BACKLOG_SIZE))
                .handler(limits)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (sendBuffer > 0) {
                            ch.config().setSendBufferSize(sendBuffer);
                        }
                        if (receiveBuffer > 0) {
                            ch.config().setReceiveBufferSize(receiveBuffer);
                        }
                        if (idleMs > 0) {
                            // Reader idleness only: every write of the Kafka protocol answers a read, and
                            // watching writes would turn each response's void promise into a real one.
                            ch.pipeline().addLast(new IdleStateHandler(idleMs, 0, 0, TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast(new FrameDecoder(maxFrame));
                        ch.pipeline().addLast(new KafkaConnection(registry, endpoint, maxInFlight, maxFrame));
                    }
                });
        try {
            InetSocketAddress address = endpoint.host().isEmpty()
                    ? new InetSocketAddress(endpoint.port())
                    : new InetSocketAddress(endpoint.host(), endpoint.port());
            return bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            throw new KafkaException(
                    "Cannot bind listener " + endpoint.uri() + ": " + e.getMessage()
                            + " (is another process using the port?)",
                    e);
        }
    }

    @Override
    public void validateReconfiguration(BrokerConfig next) {
        ConnectionLimits.Limits.of(next);
    }

    @Override
    public void reconfigure(BrokerConfig previous, BrokerConfig next) {
        ConnectionLimits.Limits updated = ConnectionLimits.Limits.of(next);
        if (!updated.equals(ConnectionLimits.Limits.of(previous))) {
            limits.update(updated);
            log.info("Connection limits are now {}", updated);
        }
    }

    public List<Endpoint> boundEndpoints() {
        return List.copyOf(bound);
    }

    /** Stops accepting, closes connections and stops the event loops. */
    @Override
    public void close() {
        for (Channel channel : serverChannels) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info("Network listeners closed");
    }

    /** The event loops, for handlers that schedule work. */
    public EventLoopGroup workers() {
        return workers;
    }
}
