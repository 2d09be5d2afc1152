package org.tdxemu.scenarios.compare;

import java.util.OptionalInt;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;

/** What one planner made of a layout: its plan or why there is none, and the module's verdict on it. */
public record Side(PlannerKind planner, PlanResult plan, Verdict verdict) {

    public boolean planned() {
        return plan instanceof PlanResult.Planned;
    }

    /** The most reserved areas any TDMR of the plan has; empty without a plan. */
    public OptionalInt mostAreas() {
        return plan.tdmrPlan().map(p -> p.tdmrs().stream().mapToInt(t -> t.reservedAreas().size()).max())
                .orElse(OptionalInt.empty());
    }

    /** The plan's TDMRs; 0 without a plan. */
    public int tdmrs() {
        return plan.tdmrPlan().map(p -> p.tdmrs().size()).orElse(0);
    }

    /** The plan's PAMT in KiB, as {@code %lu KB allocated for PAMT} prints it; 0 without a plan. */
    public long pamtKb() {
        return plan.tdmrPlan().map(p -> p.pamtKb()).orElse(0L);
    }
}
