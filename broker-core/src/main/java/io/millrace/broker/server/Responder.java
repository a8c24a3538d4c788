package io.millrace.broker.server;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * How a handler answers its request. Thread-safe; responses still reach the client in request
 * order. Exactly one method must be called, once.
 */
public interface Responder {

    /** Sends the response, encoded at the request's version. */
    void respond(ApiMessage response);

    /** Sends the response encoded at another version (ApiVersions answers unknown versions at v0). */
    void respond(ApiMessage response, short version);

    /** The request gets no response (acks=0 produce). */
    void respondNothing();

    /** Closes the connection after the responses before this one are sent; logs the reason. */
    void closeConnection(String reason);
}
