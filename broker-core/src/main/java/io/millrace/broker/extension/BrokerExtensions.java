package io.millrace.broker.extension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extensions found on the classpath, and their start and stop. Immutable; {@link #startAll}
 * returns a handle that closes what it started.
 */
public final class BrokerExtensions {

    private static final Logger log = LoggerFactory.getLogger(BrokerExtensions.class);

    private final List<BrokerExtension> extensions;

    private BrokerExtensions(List<BrokerExtension> extensions) {
        this.extensions = List.copyOf(extensions);
    }

    /** Every {@link BrokerExtension} registered in {@code META-INF/services} on the classpath. */
    public static BrokerExtensions discover() {
        List<BrokerExtension> found = new ArrayList<>();
        ServiceLoader.load(BrokerExtension.class).forEach(found::add);
        return new BrokerExtensions(found);
    }

    /** No extensions (embedded brokers in tests). */
    public static BrokerExtensions none() {
        return new BrokerExtensions(List.of());
    }

    public static BrokerExtensions of(List<BrokerExtension> extensions) {
        return new BrokerExtensions(extensions);
    }

    /** The configuration keys of all extensions. */
    public Set<String> configKeys() {
        Set<String> keys = new LinkedHashSet<>();
        extensions.forEach(e -> keys.addAll(e.configKeys()));
        return Collections.unmodifiableSet(keys);
    }

    /**
     * Starts every extension with its own subset of {@code settings}. When one fails, those
     * already started are closed and the failure is rethrown.
     */
    public AutoCloseable startAll(Map<String, String> settings, String bootstrap) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            for (BrokerExtension extension : extensions) {
                Map<String, String> own = new LinkedHashMap<>();
                settings.forEach((k, v) -> {
                    if (extension.configKeys().contains(k)) {
                        own.put(k, v);
                    }
                });
                log.info("Starting broker extension {}", extension.name());
                started.add(extension.start(own, bootstrap));
            }
        } catch (Exception | Error e) {
            closeAll(started);
            throw e;
        }
        return () -> closeAll(started);
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("A broker extension failed to stop cleanly: {}", e.toString(), e);
            }
        }
    }
}
