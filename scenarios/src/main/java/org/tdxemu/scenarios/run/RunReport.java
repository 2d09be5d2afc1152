package org.tdxemu.scenarios.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.scenarios.fault.CountingSeamcall.FailedCall;

/**
 * What one scenario run produced: the kernel's result and log, the SEAMCALLs it issued by leaf
 * number, how many faults answered calls, the SEAMCALL that made it fail (when one did), the
 * module's own status at the end, the bytes of RAM the kernel still holds from its page allocator
 * and the VMX references it still holds by CPU, whether the scenario had expectations and every
 * one that did not hold, and every fault that never fired.
 */
public record RunReport(String scenario, InitResult result, Map<Integer, Long> seamcalls, long seamcallCount,
                        int faultsInjected, Optional<FailedCall> failingCall, ModuleStatus module,
                        long kernelBytesKept, Map<Integer, Integer> vmxReferencesKept, boolean expectationsChecked,
                        List<String> failedExpectations, List<String> faultsNeverFired) {

    public RunReport {
        seamcalls = Map.copyOf(seamcalls);
        vmxReferencesKept = Map.copyOf(vmxReferencesKept);
        failedExpectations = List.copyOf(failedExpectations);
        faultsNeverFired = List.copyOf(faultsNeverFired);
    }

    public boolean initialized() {
        return result instanceof InitResult.Initialized;
    }

    public Optional<Errno> errno() {
        return result instanceof InitResult.Failed failed ? Optional.of(failed.errno()) : Optional.empty();
    }

    public Optional<TdmrPlan> plan() {
        return result.tdmrPlan();
    }

    public List<String> log() {
        return result.log();
    }

    public boolean expectationsMet() {
        return failedExpectations.isEmpty();
    }

    /** Whether the run did what its scenario says: every expectation held and every fault fired. */
    public boolean passed() {
        return failedExpectations.isEmpty() && faultsNeverFired.isEmpty();
    }
}
