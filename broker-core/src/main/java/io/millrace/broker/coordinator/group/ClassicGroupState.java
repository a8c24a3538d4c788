package io.millrace.broker.coordinator.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a classic group (JoinGroup/SyncGroup protocol) and the transitions Kafka allows:
 * <pre>
 *   Empty ──join──▶ PreparingRebalance ──all joined──▶ CompletingRebalance ──leader syncs──▶ Stable
 *     ▲                   ▲   │ last member gone                  │ member change          │ member change
 *     └───────────────────┼───┘                                   ▼                        ▼
 *                         └───────────────────────────── PreparingRebalance ◀──────────────┘
 * </pre>
 * Dead is where a deleted group ends. The names are what DescribeGroups and ListGroups report.
 */
enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    final String wireName;
    private Set<ClassicGroupState> validPrevious;

    static {
        EMPTY.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        PREPARING_REBALANCE.validPrevious = EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
        COMPLETING_REBALANCE.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        STABLE.validPrevious = EnumSet.of(COMPLETING_REBALANCE);
        DEAD.validPrevious = EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
    }

    ClassicGroupState(String wireName) {
        this.wireName = wireName;
    }

    boolean canFollow(ClassicGroupState previous) {
        return validPrevious.contains(previous);
    }
}
