package io.millrace.spark.source.offsets;

import io.millrace.spark.options.SourceErrors;
import java.io.Serializable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when data a query should have read is gone (retention passed its offset, a
 * partition or topic was deleted): with {@code failOnDataLoss} the query fails, without it a
 * warning is logged and reading goes on from what is left. Immutable.
 */
public record DataLossReporter(boolean failOnDataLoss) implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(DataLossReporter.class);

    /** Reports a loss found on the driver, {@code reason} in Spark's words. */
    public void onDriver(String reason) {
        if (failOnDataLoss) {
            throw new IllegalStateException(SourceErrors.dataLoss(reason));
        }
        LOG.warn("{}{}", reason, SourceErrors.FAIL_ON_DATA_LOSS_FALSE);
    }

    /** Reports a loss found while reading records. */
    public void onExecutor(String message) {
        if (failOnDataLoss) {
            throw new IllegalStateException(message + SourceErrors.FAIL_ON_DATA_LOSS_TRUE);
        }
        LOG.warn("{}{}", message, SourceErrors.FAIL_ON_DATA_LOSS_FALSE);
    }
}
