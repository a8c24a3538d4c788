package io.millrace.spark.sink;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the sink promises about each row: the {@code deliveryGuarantee} option. */
public enum DeliveryGuarantee {
    /** Written once to {@code read_committed} readers, whatever fails: transactions committed by the driver. */
    EXACTLY_ONCE("exactly-once"),
    /** Written at least once: an idempotent producer per task, flushed when the task commits. */
    AT_LEAST_ONCE("at-least-once");

    private final String optionValue;

    DeliveryGuarantee(String optionValue) {
        this.optionValue = optionValue;
    }

    public String optionValue() {
        return optionValue;
    }

    static DeliveryGuarantee of(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(guarantee -> guarantee.optionValue.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Option 'deliveryGuarantee' must be one of "
                        + Arrays.stream(values())
                                .map(g -> "'" + g.optionValue + "'")
                                .collect(Collectors.joining(", "))
                        + ", not '" + value + "'"));
    }
}
