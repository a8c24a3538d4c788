package io.millrace.it;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Commits a transaction another process opened, knowing only its transactional id, producer id and
 * epoch: Flink's exactly-once sink does this on recovery ({@code FlinkKafkaInternalProducer
 * .resumeTransaction}), putting the stored producer id and epoch into a fresh producer's transaction
 * manager by reflection and calling {@code commitTransaction()}, which sends EndTxn without an
 * InitProducerId. Runs in its own JVM; prints {@code COMMITTED} or {@code FAILED <exception>}.
 * Arguments: bootstrap transactionalId producerId epoch.
 */
public final class ResumeTransactionMain {

    private ResumeTransactionMain() {}

    public static void main(String[] args) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, args[1]);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            resume(producer, Long.parseLong(args[2]), Short.parseShort(args[3]));
            producer.commitTransaction();
            System.out.println("COMMITTED");
        } catch (Exception e) {
            System.out.println("FAILED " + e);
        }
        System.out.flush();
    }

    /** Flink's resumeTransaction: the producer continues the stored transaction. */
    static void resume(KafkaProducer<?, ?> producer, long producerId, short epoch) throws Exception {
        Object manager = field(producer, "transactionManager");
        synchronized (manager) {
            Object partitions = field(manager, "txnPartitionMap");
            transition(manager, "INITIALIZING");
            Method reset = partitions.getClass().getDeclaredMethod("reset");
            reset.setAccessible(true);
            reset.invoke(partitions);
            Class<?> idAndEpoch = Class.forName("org.apache.kafka.common.utils.internals.ProducerIdAndEpoch");
            setField(
                    manager,
                    "producerIdAndEpoch",
                    idAndEpoch.getConstructor(long.class, short.class).newInstance(producerId, epoch));
            transition(manager, "READY");
            transition(manager, "IN_TRANSACTION");
            setField(manager, "transactionStarted", true);
        }
    }

    /** The producer id and epoch a producer holds (what Flink stores in its checkpoint). */
    static long[] producerIdAndEpoch(KafkaProducer<?, ?> producer) throws Exception {
        Object idAndEpoch = field(field(producer, "transactionManager"), "producerIdAndEpoch");
        return new long[] {(long) field(idAndEpoch, "producerId"), (short) field(idAndEpoch, "epoch")};
    }

    private static void transition(Object manager, String state) throws Exception {
        Class<?> stateClass = Class.forName("org.apache.kafka.clients.producer.internals.TransactionManager$State");
        Method transition = manager.getClass().getDeclaredMethod("transitionTo", stateClass);
        transition.setAccessible(true);
        transition.invoke(manager, enumConstant(stateClass, state));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    private static Object field(Object target, String name) throws Exception {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    private static void setField(Object target, String name, Object value) throws Exception {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        f.set(target, value);
    }
}
