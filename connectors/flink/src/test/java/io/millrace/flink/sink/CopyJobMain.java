package io.millrace.flink.sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An exactly-once copy job on a MiniCluster of its own, for a test to run in a JVM it can kill
 * with SIGKILL: {@code <bootstrap> <input topic> <output topic> <transactional id prefix>
 * <checkpoint directory> [<checkpoint to restore>]}. It checkpoints every 200 ms into the
 * directory and prints {@code JOB <job id>} once the job is submitted, then runs until killed.
 */
public final class CopyJobMain {

    private CopyJobMain() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        Configuration config = CopyJobs.configuration(Duration.ofMillis(200), 0, Duration.ZERO);
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Path.of(args[4]).toUri().toString());
        if (args.length > 5) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, args[5]);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        CopyJobs.input(env, bootstrap, args[1])
                .sinkTo(CopyJobs.sink(bootstrap, args[2], DeliveryGuarantee.EXACTLY_ONCE, args[3], new Properties()));
        JobClient job = env.executeAsync("copy in a JVM of its own");
        System.out.println("JOB " + job.getJobID());
        job.getJobExecutionResult().get();
    }
}
