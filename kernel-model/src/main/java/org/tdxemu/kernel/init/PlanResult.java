package org.tdxemu.kernel.init;

import java.util.List;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.Construction;
import org.tdxemu.kernel.planner.TdmrPlan;

/** What the TDMR planner alone comes to for a host, and the kernel lines it printed on the way. */
public sealed interface PlanResult {

    List<String> log();

    static PlanResult of(Construction construction, KernelLog log) {
        if (construction instanceof Construction.Built built) {
            return new Planned(built.plan(), log.lines());
        }
        return new NotPlanned(((Construction.Failed) construction).errno(), log.lines());
    }

    record Planned(TdmrPlan plan, List<String> log) implements PlanResult {

        public Planned {
            log = List.copyOf(log);
        }
    }

    record NotPlanned(Errno errno, List<String> log) implements PlanResult, PlannerSetup {

        public NotPlanned {
            log = List.copyOf(log);
        }
    }
}
