package org.tdxemu.kernel.planner;

import org.tdxemu.kernel.Errno;

/** What construct_tdmrs() comes to: a plan whose PAMTs are allocated, or an error with nothing left allocated. */
public sealed interface Construction {

    record Built(TdmrPlan plan) implements Construction {
    }

    record Failed(Errno errno) implements Construction {
    }
}
