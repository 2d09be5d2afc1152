package org.tdxemu.kernel.planner;

import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;

/**
 * Where the profiles' planners differ (kernel-init.md §3.3, §3.5, §3.6): the merged kernel fails
 * an exhausted TDMR list or reserved-area list with -ENOSPC and says so, and warns when TDMRs run
 * low or a TDMR has no node; v7 returns -E2BIG silently and only WARNs on the missing node.
 */
public record PlannerRules(Errno exhausted, boolean printsMessages) {

    public static PlannerRules of(Profile profile) {
        return switch (profile) {
            case MAINLINE, LATEST, DPAMT -> new PlannerRules(Errno.ENOSPC, true);
            case V7 -> new PlannerRules(Errno.E2BIG, false);
        };
    }
}
