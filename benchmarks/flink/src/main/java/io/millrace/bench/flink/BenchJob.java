package io.millrace.bench.flink;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * One measured job on a local MiniCluster, run in a JVM of its own by {@link ForkedJob}: the
 * {@link Workload} through one {@link Connector}. It prints one line, {@code RESULT records=<n>
 * millis=<job's net runtime> cpuMillis=<this JVM's CPU during the job>}, and exits non-zero if the
 * job fails (a failed job is not restarted: a benchmark does not hide failures behind restarts).
 *
 * <p>Arguments: {@code connector workload bootstrap topic records recordBytes parallelism
 * checkpointMillis transactionalIdPrefix [producerProperty=value ...]}.
 */
public final class BenchJob {

    static final String RESULT_PREFIX = "RESULT ";
    private static final String RECORDS_ACCUMULATOR = "records";

    private BenchJob() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 9) {
            throw new IllegalArgumentException("Usage: BenchJob connector workload bootstrap topic records recordBytes"
                    + " parallelism checkpointMillis transactionalIdPrefix [producerProperty=value ...]; got "
                    + List.of(args));
        }
        Connector connector = Connector.byId(args[0]);
        Workload workload = Workload.byId(args[1]);
        String bootstrap = args[2];
        String topic = args[3];
        long records = Long.parseLong(args[4]);
        int recordBytes = Integer.parseInt(args[5]);
        int parallelism = Integer.parseInt(args[6]);
        long checkpointMillis = Long.parseLong(args[7]);
        String transactionalIdPrefix = args[8];
        Properties producerConfig = new Properties();
        for (String property : List.of(args).subList(9, args.length)) {
            int equals = property.indexOf('=');
            producerConfig.setProperty(property.substring(0, equals), property.substring(equals + 1));
        }

        Configuration config = new Configuration();
        config.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (workload.isSink()) {
            config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointMillis));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        if (workload.isSink()) {
            DataGeneratorSource<byte[]> generator = new DataGeneratorSource<>(
                    BenchRecords.generator(recordBytes),
                    records,
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
            env.fromSource(generator, WatermarkStrategy.noWatermarks(), "generator")
                    .sinkTo(connector.sink(
                            bootstrap, topic, workload.guarantee(), transactionalIdPrefix, producerConfig));
        } else {
            connector
                    .source(env, bootstrap, topic)
                    .flatMap(new CountingDiscard())
                    .sinkTo(new DiscardingSink<>());
        }

        long cpuBefore = processCpuNanos();
        JobExecutionResult result = env.execute(connector.id() + " " + workload.id());
        long cpuMillis = TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpuBefore);
        long counted = workload.isSink() ? records : result.<Long>getAccumulatorResult(RECORDS_ACCUMULATOR);
        System.out.println(String.format(
                Locale.ROOT,
                "%srecords=%d millis=%d cpuMillis=%d",
                RESULT_PREFIX,
                counted,
                result.getNetRuntime(TimeUnit.MILLISECONDS),
                cpuMillis));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Counts the records it is given (an accumulator, summed over subtasks) and passes none on. */
    private static final class CountingDiscard extends RichFlatMapFunction<byte[], byte[]> {

        private static final long serialVersionUID = 1L;
        private final LongCounter counter = new LongCounter();

        @Override
        public void open(OpenContext openContext) {
            getRuntimeContext().addAccumulator(RECORDS_ACCUMULATOR, counter);
        }

        @Override
        public void flatMap(byte[] value, Collector<byte[]> out) {
            counter.add(1L);
        }
    }
}
