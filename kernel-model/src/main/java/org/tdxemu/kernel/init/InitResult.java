package org.tdxemu.kernel.init;

import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.planner.TdmrPlan;

/**
 * How a TDX initialization ended: what the kernel returned, the TDMR plan it built on the way
 * (if it got that far), and the kernel log up to that moment, exactly as dmesg shows it without
 * timestamps.
 */
public sealed interface InitResult {

    List<String> log();

    /** The plan this attempt built; present on success, and on failures after the TDMRs were built. */
    Optional<TdmrPlan> tdmrPlan();

    /** The PAMT the plan allocates, in KiB, as {@code %lu KB allocated for PAMT} prints it; 0 without a plan. */
    default long pamtKb() {
        return tdmrPlan().map(TdmrPlan::pamtKb).orElse(0L);
    }

    /** The module is initialized. */
    record Initialized(TdmrPlan plan, List<String> log) implements InitResult {

        public Initialized {
            log = List.copyOf(log);
        }

        @Override
        public Optional<TdmrPlan> tdmrPlan() {
            return Optional.of(plan);
        }
    }

    /** The kernel returned -{@code errno}. */
    record Failed(Errno errno, Optional<TdmrPlan> tdmrPlan, List<String> log) implements InitResult {

        public Failed {
            log = List.copyOf(log);
        }
    }
}
