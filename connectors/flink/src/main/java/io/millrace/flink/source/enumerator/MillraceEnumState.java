package io.millrace.flink.source.enumerator;

import io.millrace.flink.source.split.MillraceSplit;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The enumerator's checkpoint: the splits it handed to readers, those it still has to hand out,
 * and whether its first discovery (the one that uses the starting offsets) is complete. Splits
 * keep their resolved offsets, so a restored enumerator never asks its offsets initializer again
 * for a partition it already knows. Immutable.
 */
public final class MillraceEnumState {

    private final List<MillraceSplit> assignedSplits;
    private final List<MillraceSplit> unassignedSplits;
    private final boolean initialDiscoveryFinished;

    public MillraceEnumState(
            Collection<MillraceSplit> assignedSplits,
            Collection<MillraceSplit> unassignedSplits,
            boolean initialDiscoveryFinished) {
        this.assignedSplits = List.copyOf(assignedSplits);
        this.unassignedSplits = List.copyOf(unassignedSplits);
        this.initialDiscoveryFinished = initialDiscoveryFinished;
    }

    /** The state of an enumerator that has not discovered anything yet. */
    public static MillraceEnumState initial() {
        return new MillraceEnumState(List.of(), List.of(), false);
    }

    /** Splits handed to a reader; the reader's own state holds their progress. */
    public List<MillraceSplit> assignedSplits() {
        return assignedSplits;
    }

    /** Splits discovered but not handed out yet. */
    public List<MillraceSplit> unassignedSplits() {
        return unassignedSplits;
    }

    public boolean initialDiscoveryFinished() {
        return initialDiscoveryFinished;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MillraceEnumState other
                && assignedSplits.equals(other.assignedSplits)
                && unassignedSplits.equals(other.unassignedSplits)
                && initialDiscoveryFinished == other.initialDiscoveryFinished;
    }

    @Override
    public int hashCode() {
        return Objects.hash(assignedSplits, unassignedSplits, initialDiscoveryFinished);
    }

    @Override
    public String toString() {
        return "MillraceEnumState{assigned=" + assignedSplits + ", unassigned=" + unassignedSplits
                + ", initialDiscoveryFinished=" + initialDiscoveryFinished + "}";
    }
}
