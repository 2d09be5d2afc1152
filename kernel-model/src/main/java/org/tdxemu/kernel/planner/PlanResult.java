package org.tdxemu.kernel.planner;

import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;

/**
 * What planning TDMRs comes to: a plan whose PAMTs are allocated, or the error with nothing left
 * allocated and why; and the kernel log as it stood then. A planner returns it, and so does the
 * plan entry point for a whole host, whose failures may come before any planner ran.
 */
public sealed interface PlanResult {

    List<String> log();

    /** The plan's TDMRs, or the TDMR list as the planner left it when it could not plan. */
    List<Tdmr> tdmrs();

    /** The plan, when there is one. */
    Optional<TdmrPlan> tdmrPlan();

    record Planned(TdmrPlan plan, List<String> log) implements PlanResult {

        public Planned {
            log = List.copyOf(log);
        }

        @Override
        public List<Tdmr> tdmrs() {
            return plan.tdmrs();
        }

        @Override
        public Optional<TdmrPlan> tdmrPlan() {
            return Optional.of(plan);
        }
    }

    /**
     * No plan: the kernel returns -{@code errno}.
     *
     * @param tdmrs     the TDMR list as the planner left it, for the report only: the PAMTs it shows
     *                  are already freed; empty when the kernel failed before planning
     * @param shortfall what ran out, in numbers, when that is why
     * @param reason    why, in one line for people
     */
    record NotPlanned(Errno errno, List<Tdmr> tdmrs, Optional<Shortfall> shortfall, Optional<String> reason,
                      List<String> log) implements PlanResult {

        public NotPlanned {
            tdmrs = List.copyOf(tdmrs);
            log = List.copyOf(log);
        }

        /** A failure before any planner ran: no TDMR yet, and no shortfall to tell. */
        public NotPlanned(Errno errno, List<String> log) {
            this(errno, List.of(), Optional.empty(), Optional.empty(), log);
        }

        /** The kernel's construct_tdmrs() gave up: the reason is the shortfall's ({@link Shortfall#reason}). */
        public static NotPlanned of(Errno errno, List<Tdmr> tdmrs, Optional<Shortfall> shortfall, List<String> log) {
            return new NotPlanned(errno, tdmrs, shortfall, shortfall.map(s -> s.reason(tdmrs)), log);
        }

        @Override
        public Optional<TdmrPlan> tdmrPlan() {
            return Optional.empty();
        }
    }
}
