package org.tdxemu.kernel.planner;

import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;

/** What construct_tdmrs() comes to: a plan whose PAMTs are allocated, or an error with nothing left allocated. */
public sealed interface Construction {

    record Built(TdmrPlan plan) implements Construction {
    }

    /**
     * construct_tdmrs() returned -{@code errno}.
     *
     * @param tdmrs     the TDMR list as it stood when the kernel gave up, for the report only: the
     *                  kernel frees it, and the PAMTs it shows are already freed
     * @param shortfall what ran out; empty for the one failure that is not a shortage, a reserved
     *                  area that is not page-aligned
     */
    record Failed(Errno errno, List<Tdmr> tdmrs, Optional<Shortfall> shortfall) implements Construction {

        public Failed {
            tdmrs = List.copyOf(tdmrs);
        }
    }
}
