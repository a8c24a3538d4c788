package io.millrace.broker.server.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.millrace.broker.common.config.BrokerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection limits on a real listener: an echo server behind {@link ConnectionLimits}, reached
 * with plain sockets. A client is admitted when its byte comes back.
 */
class ConnectionLimitsTest {

    /** How long a client that is not admitted is given to prove it: a bound, not a wait for something. */
    private static final int NOT_ADMITTED_WITHIN_MS = 300;

    private static final int ADMITTED_WITHIN_MS = 10_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<Socket> clients = new ArrayList<>();
    private ConnectionLimits limits;
    private Channel listener;

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : clients) {
            s.close();
        }
        if (listener != null) {
            listener.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static ConnectionLimits.Limits limits(Map<String, String> settings) {
        return ConnectionLimits.Limits.of(BrokerConfig.parse(settings));
    }

    private void listen(ConnectionLimits.Limits initial) throws InterruptedException {
        limits = new ConnectionLimits(initial);
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 50)
                .handler(limits)
                .childHandler(new Echo())
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /** Sends back what it receives. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush((ByteBuf) msg);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.connect(listener.localAddress());
        s.getOutputStream().write(7);
        s.getOutputStream().flush();
        return s;
    }

    /** A client the server admits at once. */
    private Socket admittedClient() throws IOException {
        Socket s = connect();
        assertThat(answer(s, ADMITTED_WITHIN_MS))
                .as("the echo of an admitted client")
                .isEqualTo(7);
        return s;
    }

    /** What the server answers the client's byte with: the byte, or -1 when it closed the connection. */
    private static int answer(Socket s, int withinMs) throws IOException {
        s.setSoTimeout(withinMs);
        InputStream in = s.getInputStream();
        try {
            return in.read();
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException) {
                throw e;
            }
            return -1; // reset by the server
        }
    }

    @Test
    void atMaxConnectionsANewClientWaitsUntilAnotherOneCloses() throws Exception {
        listen(limits(Map.of(BrokerConfig.MAX_CONNECTIONS, "2")));
        Socket first = admittedClient();
        admittedClient();

        Socket third = connect();
        assertThatThrownBy(() -> answer(third, NOT_ADMITTED_WITHIN_MS)).isInstanceOf(SocketTimeoutException.class);
        assertThat(limits.connections()).isEqualTo(2);

        first.close();
        assertThat(answer(third, ADMITTED_WITHIN_MS)).isEqualTo(7);
        assertThat(limits.connections()).isEqualTo(2);
    }

    @Test
    void raisingTheLimitAdmitsTheWaitingClients() throws Exception {
        listen(limits(Map.of(BrokerConfig.MAX_CONNECTIONS, "1")));
        admittedClient();
        Socket second = connect();
        assertThatThrownBy(() -> answer(second, NOT_ADMITTED_WITHIN_MS)).isInstanceOf(SocketTimeoutException.class);

        limits.update(limits(Map.of(BrokerConfig.MAX_CONNECTIONS, "3")));

        assertThat(answer(second, ADMITTED_WITHIN_MS)).isEqualTo(7);
        admittedClient();
        assertThat(limits.connections()).isEqualTo(3);
    }

    @Test
    void aClientAddressAtItsMaximumIsClosedAtOnce() throws Exception {
        listen(limits(Map.of(BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES, "127.0.0.1:1")));
        admittedClient();

        assertThat(answer(connect(), ADMITTED_WITHIN_MS)).isEqualTo(-1);

        limits.update(limits(Map.of(BrokerConfig.MAX_CONNECTIONS_PER_IP, "2")));
        admittedClient();
        assertThat(answer(connect(), ADMITTED_WITHIN_MS)).isEqualTo(-1);
        assertThat(limits.connections()).isEqualTo(2);
    }
}
