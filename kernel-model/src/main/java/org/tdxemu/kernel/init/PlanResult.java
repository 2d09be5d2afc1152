package org.tdxemu.kernel.init;

import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.Construction;
import org.tdxemu.kernel.planner.Shortfall;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;

/** What the TDMR planner alone comes to for a host, and the kernel lines it printed on the way. */
public sealed interface PlanResult {

    List<String> log();

    /** The plan's TDMRs, or the TDMR list as the kernel left it when it could not plan. */
    List<Tdmr> tdmrs();

    static PlanResult of(Construction construction, KernelLog log) {
        if (construction instanceof Construction.Built built) {
            return new Planned(built.plan(), log.lines());
        }
        Construction.Failed failed = (Construction.Failed) construction;
        return new NotPlanned(failed.errno(), failed.tdmrs(), failed.shortfall(), log.lines());
    }

    record Planned(TdmrPlan plan, List<String> log) implements PlanResult {

        public Planned {
            log = List.copyOf(log);
        }

        @Override
        public List<Tdmr> tdmrs() {
            return plan.tdmrs();
        }
    }

    /**
     * The kernel returned -{@code errno}.
     *
     * @param tdmrs     the TDMR list as construct_tdmrs() left it ({@link Construction.Failed}); empty
     *                  when the kernel failed before it
     * @param shortfall what ran out, when that is why
     */
    record NotPlanned(Errno errno, List<Tdmr> tdmrs, Optional<Shortfall> shortfall, List<String> log)
            implements PlanResult, PlannerSetup {

        public NotPlanned {
            tdmrs = List.copyOf(tdmrs);
            log = List.copyOf(log);
        }

        /** A failure before construct_tdmrs(): no TDMR yet. */
        public NotPlanned(Errno errno, List<String> log) {
            this(errno, List.of(), Optional.empty(), log);
        }

        /** {@link Shortfall#reason}, for people. */
        public Optional<String> reason() {
            return shortfall.map(s -> s.reason(tdmrs));
        }
    }
}
