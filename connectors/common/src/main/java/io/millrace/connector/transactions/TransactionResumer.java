package io.millrace.connector.transactions;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where Millrace's exactly-once sinks (Flink's and Spark's) reach into kafka-clients
 * internals: reading the producer id and epoch of a producer's transaction, and letting a fresh
 * producer continue a transaction another producer (of another process, perhaps) opened, so that
 * {@code commitTransaction()} sends EndTxn for it without an InitProducerId, which would abort it.
 *
 * <p>kafka-clients has no public API for either: KIP-939's {@code initTransactions(true)} needs
 * two-phase-commit support in the broker, which Millrace does not have. The fields and state
 * transitions used here were verified with kafka-clients {@value #VERIFIED_KAFKA_CLIENTS_VERSION};
 * {@code TransactionResumerTest} fails when the kafka-clients on the classpath is another version,
 * and the connectors' exactly-once ITs (Flink's {@code SinkTransactionsIT}, Spark's
 * {@code ExactlyOnceSinkIT}) check the behaviour against a broker. On another version the
 * sink logs a warning once, and fails with an {@link IllegalStateException} naming both versions if
 * the internals it needs are gone.
 *
 * <p>Thread-safe: the reflective handles are resolved once; each call works on one producer under
 * its transaction manager's lock.
 */
public final class TransactionResumer {

    public static final String VERIFIED_KAFKA_CLIENTS_VERSION = "4.4.0";

    private static final Logger log = LoggerFactory.getLogger(TransactionResumer.class);
    private static final String INTERNALS = "org.apache.kafka.clients.producer.internals.";

    private TransactionResumer() {}

    /** The producer id and epoch of {@code producer}'s transactional session. */
    public static ProducerSession session(KafkaProducer<?, ?> producer) {
        Handles handles = Handles.get();
        try {
            Object manager = handles.transactionManager.get(producer);
            synchronized (manager) {
                Object idAndEpoch = handles.producerIdAndEpoch.get(manager);
                return new ProducerSession(handles.producerId.getLong(idAndEpoch), handles.epoch.getShort(idAndEpoch));
            }
        } catch (IllegalAccessException e) {
            throw handles.incompatible(e);
        }
    }

    /**
     * Makes {@code producer}, a transactional producer with the transaction's transactional id that
     * was never initialized or has just committed a transaction it resumed, continue the transaction
     * of {@code session}: its next {@code commitTransaction()} (or {@code abortTransaction()}) ends
     * that transaction. A producer that was resumed before knows its coordinator already.
     *
     * @throws IllegalStateException if the producer is in another state
     */
    public static void resume(KafkaProducer<?, ?> producer, ProducerSession session) {
        Handles handles = Handles.get();
        try {
            Object manager = handles.transactionManager.get(producer);
            synchronized (manager) {
                String state = ((Enum<?>) handles.currentState.get(manager)).name();
                if (state.equals("UNINITIALIZED")) {
                    handles.transitionTo(manager, "INITIALIZING");
                } else if (!state.equals("READY")) {
                    throw new IllegalStateException("Cannot resume a transaction with a producer in state " + state);
                }
                handles.producerIdAndEpoch.set(manager, handles.newProducerIdAndEpoch(session));
                if (state.equals("UNINITIALIZED")) {
                    handles.transitionTo(manager, "READY");
                }
                handles.transitionTo(manager, "IN_TRANSACTION");
                // without it commitTransaction() ends locally and sends no EndTxn
                handles.transactionStarted.setBoolean(manager, true);
            }
        } catch (IllegalAccessException | InvocationTargetException | InstantiationException e) {
            throw handles.incompatible(e);
        }
    }

    /** The kafka-clients version on the classpath, from the properties file its jar carries. */
    public static String kafkaClientsVersion() {
        try (InputStream in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A transactional producer's identity on the broker. */
    public record ProducerSession(long producerId, short epoch) {}

    /** The reflective handles, resolved on first use. */
    private static final class Handles {

        private static volatile Handles instance;

        private final Field transactionManager;
        private final Field producerIdAndEpoch;
        private final Field producerId;
        private final Field epoch;
        private final Field transactionStarted;
        private final Field currentState;
        private final Method transitionTo;
        private final Class<?> stateClass;

        private Handles() throws ReflectiveOperationException {
            transactionManager = accessible(KafkaProducer.class.getDeclaredField("transactionManager"));
            Class<?> manager = transactionManager.getType();
            producerIdAndEpoch = accessible(manager.getDeclaredField("producerIdAndEpoch"));
            producerId = accessible(producerIdAndEpoch.getType().getDeclaredField("producerId"));
            epoch = accessible(producerIdAndEpoch.getType().getDeclaredField("epoch"));
            transactionStarted = accessible(manager.getDeclaredField("transactionStarted"));
            currentState = accessible(manager.getDeclaredField("currentState"));
            stateClass = Class.forName(INTERNALS + "TransactionManager$State");
            transitionTo = manager.getDeclaredMethod("transitionTo", stateClass);
            transitionTo.setAccessible(true);
        }

        static Handles get() {
            Handles handles = instance;
            if (handles == null) {
                synchronized (Handles.class) {
                    handles = instance;
                    if (handles == null) {
                        handles = resolve();
                        instance = handles;
                    }
                }
            }
            return handles;
        }

        private static Handles resolve() {
            String version = kafkaClientsVersion();
            if (!VERIFIED_KAFKA_CLIENTS_VERSION.equals(version)) {
                log.warn(
                        "kafka-clients {} is on the classpath; the exactly-once sink's recovery of pre-committed"
                                + " transactions was verified with {} only",
                        version,
                        VERIFIED_KAFKA_CLIENTS_VERSION);
            }
            try {
                return new Handles();
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw incompatibleVersion(e);
            }
        }

        void transitionTo(Object manager, String state) throws IllegalAccessException, InvocationTargetException {
            transitionTo.invoke(manager, enumConstant(stateClass, state));
        }

        Object newProducerIdAndEpoch(ProducerSession session)
                throws InstantiationException, IllegalAccessException, InvocationTargetException {
            try {
                return producerIdAndEpoch
                        .getType()
                        .getConstructor(long.class, short.class)
                        .newInstance(session.producerId(), session.epoch());
            } catch (NoSuchMethodException e) {
                throw incompatible(e);
            }
        }

        IllegalStateException incompatible(Exception e) {
            return incompatibleVersion(e instanceof InvocationTargetException ite ? ite.getCause() : e);
        }

        private static IllegalStateException incompatibleVersion(Throwable cause) {
            return new IllegalStateException(
                    "The exactly-once sink cannot resume a transaction with kafka-clients " + kafkaClientsVersion()
                            + ": its producer internals differ from those of kafka-clients "
                            + VERIFIED_KAFKA_CLIENTS_VERSION + ", the version the sink was verified with",
                    cause);
        }

        private static Field accessible(Field field) {
            field.setAccessible(true);
            return field;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Object enumConstant(Class<?> type, String name) {
            return Enum.valueOf((Class) type, name);
        }
    }
}
