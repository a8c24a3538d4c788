package io.millrace.broker.server;

import io.millrace.broker.common.config.BrokerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * One listener as configured: {@code NAME://host:port}, with the security protocol its name maps
 * to through {@code listener.security.protocol.map}.
 */
public record Endpoint(String listenerName, SecurityProtocol securityProtocol, String host, int port) {

    /** The URI form, as written in configuration. */
    public String uri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return listenerName + "://" + h + ":" + port;
    }

    public Endpoint withPort(int newPort) {
        return new Endpoint(listenerName, securityProtocol, host, newPort);
    }

    /** Parses {@code listeners} (or {@code advertised.listeners}) with the protocol map. */
    public static List<Endpoint> parseList(String key, List<String> uris, String protocolMap) {
        Map<String, SecurityProtocol> protocols = parseProtocolMap(protocolMap);
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (String uri : uris) {
            Endpoint e = parse(key, uri.trim(), protocols);
            if (seen.put(e.listenerName(), uri) != null) {
                throw new ConfigException(key, uris, "listener name " + e.listenerName() + " appears twice");
            }
            endpoints.add(e);
        }
        return endpoints;
    }

    /** The listeners to bind, and what each advertises to clients, keyed by listener name. */
    public static Map<String, Endpoint> advertised(BrokerConfig config, List<Endpoint> bound) {
        Map<String, Endpoint> result = new LinkedHashMap<>();
        for (Endpoint e : bound) {
            result.put(e.listenerName(), e);
        }
        List<String> adv = config.getList(BrokerConfig.ADVERTISED_LISTENERS);
        if (!adv.isEmpty()) {
            for (Endpoint e : parseList(
                    BrokerConfig.ADVERTISED_LISTENERS,
                    adv,
                    config.getString(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP))) {
                if (!result.containsKey(e.listenerName())) {
                    throw new ConfigException(
                            BrokerConfig.ADVERTISED_LISTENERS,
                            adv,
                            "listener " + e.listenerName() + " is advertised but not in 'listeners'");
                }
                result.put(e.listenerName(), e);
            }
        }
        for (Map.Entry<String, Endpoint> e : result.entrySet()) {
            String host = e.getValue().host();
            if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
                throw new ConfigException(
                        BrokerConfig.ADVERTISED_LISTENERS,
                        adv,
                        "listener " + e.getKey() + " binds the wildcard address; set advertised.listeners to a host "
                                + "name clients can reach");
            }
        }
        return result;
    }

    private static Endpoint parse(String key, String uri, Map<String, SecurityProtocol> protocols) {
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new ConfigException(key, uri, "expected NAME://host:port");
        }
        String name = uri.substring(0, sep).toUpperCase(Locale.ROOT);
        String rest = uri.substring(sep + 3);
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key, uri, "missing port; expected NAME://host:port");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, uri, "port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, uri, "port must be between 0 and 65535");
        }
        SecurityProtocol protocol = protocols.get(name);
        if (protocol == null) {
            throw new ConfigException(
                    key, uri, "listener name " + name + " has no entry in listener.security.protocol.map");
        }
        return new Endpoint(name, protocol, host, port);
    }

    private static Map<String, SecurityProtocol> parseProtocolMap(String value) {
        Map<String, SecurityProtocol> map = new HashMap<>();
        for (String entry : value.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(
                        BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP, value, "entries must be NAME:PROTOCOL");
            }
            String protocolName = e.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            try {
                map.put(e.substring(0, colon).trim().toUpperCase(Locale.ROOT), SecurityProtocol.forName(protocolName));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(
                        BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP,
                        value,
                        "unknown security protocol " + protocolName);
            }
        }
        return map;
    }
}
