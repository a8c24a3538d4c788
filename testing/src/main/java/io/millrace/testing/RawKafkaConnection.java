package io.millrace.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * One blocking TCP connection speaking the Kafka wire protocol with kafka-clients' generated
 * message classes, one request at a time: for readiness probes, fuzzing and the few checks that
 * need to see exactly what the broker sends (e.g. the record batches of a Fetch response).
 */
public final class RawKafkaConnection implements AutoCloseable {

    private static final String CLIENT_ID = "millrace-it-raw";

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int nextCorrelationId = 1;

    private RawKafkaConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects to {@code host:port}; {@code timeout} bounds the connect and every later read. */
    public static RawKafkaConnection open(String host, int port, Duration timeout) throws IOException {
        return open(null, host, port, timeout);
    }

    /**
     * As {@link #open(String, int, Duration)}, from the local address {@code from} (null: any), e.g.
     * 127.0.0.2 to be another client address than the tests' 127.0.0.1.
     */
    public static RawKafkaConnection open(InetAddress from, String host, int port, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new RawKafkaConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A request frame's payload (header and body, no size prefix) as a client would send it. */
    public static ByteBuffer serialize(ApiMessage request, short version, int correlationId) {
        ApiKeys api = ApiKeys.forId(request.apiKey());
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(request.apiKey())
                .setRequestApiVersion(version)
                .setClientId(CLIENT_ID)
                .setCorrelationId(correlationId);
        return RequestUtils.serialize(header, api.requestHeaderVersion(version), request, version);
    }

    /** Sends {@code request} at {@code version} and returns the response body. */
    public ApiMessage send(ApiMessage request, short version) throws IOException {
        return sendPipelined(List.of(request), version).get(0);
    }

    /**
     * Sends every request at {@code version} in one write, before reading any response (a client
     * with several requests in flight), and returns their response bodies in request order.
     */
    public List<ApiMessage> sendPipelined(List<? extends ApiMessage> requests, short version) throws IOException {
        int firstCorrelationId = nextCorrelationId;
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        DataOutputStream framer = new DataOutputStream(frames);
        for (ApiMessage request : requests) {
            ByteBuffer payload = serialize(request, version, nextCorrelationId++);
            byte[] bytes = new byte[payload.remaining()];
            payload.duplicate().get(bytes);
            framer.writeInt(bytes.length);
            framer.write(bytes);
        }
        writeRaw(frames.toByteArray());
        List<ApiMessage> responses = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ApiKeys api = ApiKeys.forId(requests.get(i).apiKey());
            ByteBufferAccessor accessor = new ByteBufferAccessor(ByteBuffer.wrap(readFrame()));
            ResponseHeaderData header = new ResponseHeaderData(accessor, api.responseHeaderVersion(version));
            if (header.correlationId() != firstCorrelationId + i) {
                throw new IOException("Response correlation id " + header.correlationId() + " does not match request "
                        + (firstCorrelationId + i));
            }
            responses.add(AbstractResponse.parseResponse(api, accessor, version).data());
        }
        return responses;
    }

    /**
     * ApiVersions as a client's first request: at the newest version this kafka-clients knows, and
     * if the broker does not support that one (it then answers in version 0 with its supported
     * range, KIP-511), again at the broker's newest.
     */
    public ApiVersionsResponseData apiVersions() throws IOException {
        ApiVersionsResponseData response = apiVersions(ApiKeys.API_VERSIONS.latestVersion());
        if (response.errorCode() == Errors.UNSUPPORTED_VERSION.code()) {
            ApiVersionsResponseData.ApiVersion supported = response.apiKeys().find(ApiKeys.API_VERSIONS.id);
            if (supported != null && supported.maxVersion() < ApiKeys.API_VERSIONS.latestVersion()) {
                response = apiVersions(supported.maxVersion());
            }
        }
        return response;
    }

    private ApiVersionsResponseData apiVersions(short version) throws IOException {
        ApiVersionsRequestData request = new ApiVersionsRequestData()
                .setClientSoftwareName("millrace-it")
                .setClientSoftwareVersion("1");
        int correlationId = nextCorrelationId++;
        writeFrame(serialize(request, version, correlationId));
        ByteBuffer response = ByteBuffer.wrap(readFrame());
        ByteBufferAccessor accessor = new ByteBufferAccessor(response);
        ResponseHeaderData header =
                new ResponseHeaderData(accessor, ApiKeys.API_VERSIONS.responseHeaderVersion(version));
        if (header.correlationId() != correlationId) {
            throw new IOException(
                    "Response correlation id " + header.correlationId() + " does not match request " + correlationId);
        }
        int bodyStart = response.position();
        try {
            return new ApiVersionsResponseData(accessor, version);
        } catch (RuntimeException e) {
            // An UNSUPPORTED_VERSION answer is written in version 0, whatever was asked.
            response.position(bodyStart);
            return new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
        }
    }

    /** The newest version of {@code api} that both the broker and this kafka-clients support, or -1. */
    public static short newestCommonVersion(ApiVersionsResponseData versions, ApiKeys api) {
        ApiVersionsResponseData.ApiVersion broker = versions.apiKeys().find(api.id);
        if (broker == null) {
            return -1;
        }
        short newest = (short) Math.min(broker.maxVersion(), api.latestVersion());
        return newest < Math.max(broker.minVersion(), api.oldestVersion()) ? -1 : newest;
    }

    /** Writes a size prefix and {@code payload}. */
    public void writeFrame(ByteBuffer payload) throws IOException {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** Writes bytes as they are, without a size prefix. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one size-prefixed frame. */
    public byte[] readFrame() throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 256 * 1024 * 1024) {
            throw new IOException("Implausible response size " + size);
        }
        byte[] frame = new byte[size];
        in.readFully(frame);
        return frame;
    }

    /**
     * Reads and discards until the broker closes the connection; true if it did so before the
     * socket timeout, false if the connection stayed open. A reset counts as closed.
     */
    public boolean closedByPeer() throws IOException {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) >= 0) {
                // discard whatever the broker still sends (e.g. an error response)
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
