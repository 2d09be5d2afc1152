package org.tdxemu.emulator.platform;

/**
 * A platform misconfiguration that the real TDH.SYS.INIT or LP.INIT detects, so that its status
 * can be reproduced (module-abi.md §4.1 step 4, §4.2 step 7).
 */
public sealed interface PlatformDefect {

    /** An MSR SYS.INIT checks has a wrong value: TDX_INCORRECT_MSR_VALUE + the MSR address. */
    record IncorrectMsr(int msr) implements PlatformDefect {
    }

    /**
     * CPUID(leaf, subleaf) differs from what the module requires: TDX_INCORRECT_CPUID_VALUE, with
     * RCX = leaf | subleaf << 32, RDX/R8 = the verify mask low/high, R9/R10 = the expected value
     * low/high.
     */
    record IncorrectCpuid(int leaf, int subleaf, long verifyMask, long expected) implements PlatformDefect {
    }

    /** The BIOS set LIMIT_CPUID_MAXVAL: TDX_LIMIT_CPUID_MAXVAL_SET (1.0: TDX_BOOT_NT4_SET). */
    record LimitCpuidMaxval() implements PlatformDefect {
    }

    /** On one LP an MSR differs from the value SYS.INIT sampled: TDX_INCONSISTENT_MSR + address at its LP.INIT. */
    record InconsistentMsr(int cpu, int msr) implements PlatformDefect {
    }

    /**
     * On one LP a CPUID "verify-same" field differs: TDX_INCONSISTENT_CPUID_FIELD at its LP.INIT,
     * with RCX = leaf | subleaf << 32 and RDX/R8 = the mask low/high.
     */
    record InconsistentCpuid(int cpu, int leaf, int subleaf, long mask) implements PlatformDefect {
    }
}
