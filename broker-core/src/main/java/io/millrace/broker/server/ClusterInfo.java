package io.millrace.broker.server;

import java.util.Map;

/**
 * What clients are told about the cluster: this node's id and rack, the cluster id, and the
 * address advertised on each listener (a client is always given the address of the listener
 * its request arrived on). Immutable.
 */
public record ClusterInfo(int nodeId, String clusterId, String rack, Map<String, Endpoint> advertised) {

    public ClusterInfo {
        advertised = Map.copyOf(advertised);
    }

    /** The address to hand a client that connected through {@code listener}. */
    public Endpoint advertisedFor(Endpoint listener) {
        Endpoint e = advertised.get(listener.listenerName());
        return e != null ? e : listener;
    }
}
