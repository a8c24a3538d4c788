package io.millrace.broker.common.config;

/**
 * A part of the broker that applies changes of the dynamic broker configuration
 * ({@link DynamicBrokerConfig}) while it runs. Both methods are called one change at a time.
 */
public interface BrokerReconfigurable {

    /**
     * Checks that {@code next} can be applied, changing nothing.
     *
     * @throws org.apache.kafka.common.config.ConfigException or an
     *     {@link org.apache.kafka.common.errors.ApiException} saying why it cannot
     */
    default void validateReconfiguration(BrokerConfig next) {}

    /** Applies {@code next}, which was validated and persisted; {@code previous} was in effect until now. */
    void reconfigure(BrokerConfig previous, BrokerConfig next);
}
