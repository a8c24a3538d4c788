package io.millrace.bench.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Figures over a benchmark's rounds. Stateless. */
public final class Rounds {

    private Rounds() {}

    /** The median of {@code values} (the mean of the middle two for an even count); not empty. */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
