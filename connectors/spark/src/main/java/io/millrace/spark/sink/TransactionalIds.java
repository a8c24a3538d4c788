package io.millrace.spark.sink;

/**
 * The exactly-once sink's transactional ids: {@code <prefix>-<queryId>-<partition>}. The query id is
 * the one Spark keeps in the checkpoint, so a restarted query uses the ids of its earlier runs and
 * its tasks fence what those left open. Stateless.
 */
final class TransactionalIds {

    private TransactionalIds() {}

    /** The part every id of one query starts with: {@code <prefix>-<queryId>}. */
    static String base(String prefix, String queryId) {
        return prefix + "-" + queryId;
    }

    static String of(String base, int partition) {
        return base + "-" + partition;
    }

    /** Whether {@code transactionalId} is one of the query whose ids start with {@code base}. */
    static boolean isOf(String base, String transactionalId) {
        if (!transactionalId.startsWith(base + "-")) {
            return false;
        }
        String partition = transactionalId.substring(base.length() + 1);
        return !partition.isEmpty() && partition.chars().allMatch(Character::isDigit);
    }
}
