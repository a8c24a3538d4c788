package io.millrace.spark.options;

import java.util.List;

/**
 * The source's and the sink's option names, lower-cased as they are looked up (Spark's options
 * are case-insensitive). All but those marked "ours" mean what they mean for spark-sql-kafka-0-10.
 */
public final class OptionNames {

    public static final String KAFKA_PREFIX = "kafka.";
    public static final String SUBSCRIBE = "subscribe";
    public static final String SUBSCRIBE_PATTERN = "subscribepattern";
    public static final String ASSIGN = "assign";
    /** Ours: every topic of one or more Millrace streams, including topics created later. */
    public static final String STREAM = "stream";
    /** The options that say what to read, in the order error messages list them. */
    public static final List<String> STRATEGIES = List.of(SUBSCRIBE, SUBSCRIBE_PATTERN, ASSIGN, STREAM);

    public static final String STARTING_OFFSETS = "startingoffsets";
    public static final String ENDING_OFFSETS = "endingoffsets";
    public static final String STARTING_OFFSETS_BY_TIMESTAMP = "startingoffsetsbytimestamp";
    public static final String ENDING_OFFSETS_BY_TIMESTAMP = "endingoffsetsbytimestamp";
    public static final String STARTING_TIMESTAMP = "startingtimestamp";
    public static final String ENDING_TIMESTAMP = "endingtimestamp";
    public static final String STARTING_OFFSETS_BY_TIMESTAMP_STRATEGY = "startingoffsetsbytimestampstrategy";
    public static final String FAIL_ON_DATA_LOSS = "failondataloss";
    public static final String MIN_PARTITIONS = "minpartitions";
    public static final String MAX_RECORDS_PER_PARTITION = "maxrecordsperpartition";
    public static final String MAX_OFFSETS_PER_TRIGGER = "maxoffsetspertrigger";
    public static final String MIN_OFFSETS_PER_TRIGGER = "minoffsetspertrigger";
    public static final String MAX_TRIGGER_DELAY = "maxtriggerdelay";
    public static final String INCLUDE_HEADERS = "includeheaders";
    public static final String GROUP_ID_PREFIX = "groupidprefix";
    public static final String POLL_TIMEOUT_MS = "kafkaconsumer.polltimeoutms";
    public static final String FETCH_OFFSET_NUM_RETRIES = "fetchoffset.numretries";
    public static final String FETCH_OFFSET_RETRY_INTERVAL_MS = "fetchoffset.retryintervalms";

    /** Sink: the topic of every row, winning over the {@code topic} column. */
    public static final String TOPIC = "topic";
    /** Ours, sink: {@code exactly-once} or {@code at-least-once}. */
    public static final String DELIVERY_GUARANTEE = "deliveryguarantee";
    /** Ours, sink: the first part of the exactly-once sink's transactional ids. */
    public static final String TRANSACTIONAL_ID_PREFIX = "transactionalidprefix";
    /** Ours, sink: the compacted topic where the exactly-once sink records the batches it commits. */
    public static final String COMMIT_LOG_TOPIC = "commitlogtopic";

    private OptionNames() {}
}
