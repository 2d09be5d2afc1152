package org.tdxemu.scenarios.campaign;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Keeps, from the calls the module completed with TDX_SUCCESS alone, what its state must be
 * (module-abi.md §2), watching the module's side of the fault injector ({@link #watching}); then
 * says where the module's own status disagrees.
 */
final class ModuleShadow {

    /** TDH.SYS.TDMR.INIT initializes 4 MiB of a TDMR per successful call (module-abi.md §4.6). */
    private static final long BYTES_PER_TDMR_INIT = 4L << 20;
    /** After a TDH.SYS.CONFIG with R8 bit 16, 16 MiB (dynamic-pamt.md §2.4). */
    private static final long BYTES_PER_DYNAMIC_PAMT_TDMR_INIT = 16L << 20;
    private static final long CONFIG_ENABLE_DYNAMIC_PAMT = 1L << 16;

    private final PlatformSpec platform;
    private final ModuleVersion version;
    private boolean sysInitDone;
    private boolean configured;
    private boolean dynamicPamt;
    private boolean shutDown;
    private final TreeSet<Integer> initializedCpus = new TreeSet<>();
    private final TreeSet<Integer> configuredPackages = new TreeSet<>();
    /** Successful TDMR.INIT calls by TDMR base; the TDMR of the last one is kept at hand, as loops call one TDMR. */
    private final Map<Long, long[]> tdmrInitCalls = new HashMap<>();
    private long lastTdmrBase = -1;
    private long[] lastTdmrCalls;

    ModuleShadow(PlatformSpec platform, ModuleVersion version) {
        this.platform = platform;
        this.version = version;
    }

    /** {@code module}, with this shadow hearing every call it completes. */
    Seamcall watching(Seamcall module) {
        return (cpu, registers) -> {
            Leaf leaf = Leaf.ofNumber((int) (registers.rax() & LeafSelector.LEAF_MASK)).orElse(null);
            long base = registers.rcx();
            long options = registers.r8();
            long status = module.call(cpu, registers);
            if (status == StatusCode.TDX_SUCCESS.value() && leaf != null) {
                completed(leaf, cpu, base, options);
            }
            return status;
        };
    }

    private void completed(Leaf leaf, int cpu, long base, long options) {
        switch (leaf) {
            case TDH_SYS_INIT -> sysInitDone = true;
            case TDH_SYS_LP_INIT -> initializedCpus.add(cpu);
            case TDH_SYS_CONFIG -> {
                configured = true;
                dynamicPamt = (options & CONFIG_ENABLE_DYNAMIC_PAMT) != 0;
            }
            case TDH_SYS_KEY_CONFIG -> configuredPackages.add(cpu / platform.cpusPerPackage());
            case TDH_SYS_TDMR_INIT -> {
                if (base != lastTdmrBase) {
                    lastTdmrBase = base;
                    lastTdmrCalls = tdmrInitCalls.computeIfAbsent(base, b -> new long[1]);
                }
                lastTdmrCalls[0]++;
            }
            case TDH_SYS_LP_SHUTDOWN -> shutDown |= version.lpShutdownShutsDown();
            case TDH_SYS_SHUTDOWN -> shutDown = true;
            default -> { }
        }
    }

    private SysState expectedState() {
        if (shutDown) {
            return SysState.SYS_SHUTDOWN;
        }
        if (configured && configuredPackages.size() == platform.packages()) {
            return SysState.SYS_READY;
        }
        if (configured) {
            return SysState.SYSCONFIG_DONE;
        }
        return sysInitDone ? SysState.SYSINIT_DONE : SysState.SYSINIT_PENDING;
    }

    /** Every way {@code status} disagrees with the calls the module completed. */
    List<String> inconsistencies(ModuleStatus status) {
        List<String> problems = new ArrayList<>();
        if (status.state() != expectedState()) {
            problems.add("module state " + status.state() + ", but its completed calls make it " + expectedState());
        }
        if (!status.initializedCpus().equals(List.copyOf(initializedCpus))) {
            problems.add("module has LPs " + status.initializedCpus() + " initialized, but LP.INIT succeeded on "
                    + initializedCpus);
        }
        int bitmap = 0;
        for (int p : configuredPackages) {
            bitmap |= 1 << p;
        }
        if (status.packageBitmap() != bitmap || status.configuredPackages() != configuredPackages.size()) {
            problems.add(String.format("module has package bitmap 0x%x (%d packages), but KEY.CONFIG succeeded on "
                    + "packages %s", status.packageBitmap(), status.configuredPackages(), configuredPackages));
        }
        if (!configured && !status.tdmrs().isEmpty()) {
            problems.add("module has TDMRs configured, but no TDH.SYS.CONFIG succeeded");
        }
        if (status.dynamicPamt() != dynamicPamt) {
            problems.add("module has Dynamic PAMT " + (status.dynamicPamt() ? "on" : "off")
                    + ", but the TDH.SYS.CONFIG that succeeded " + (dynamicPamt ? "set" : "did not set") + " R8 bit 16");
        }
        long bytesPerCall = dynamicPamt ? BYTES_PER_DYNAMIC_PAMT_TDMR_INIT : BYTES_PER_TDMR_INIT;
        for (ModuleStatus.TdmrProgress tdmr : status.tdmrs()) {
            long calls = tdmrInitCalls.getOrDefault(tdmr.base(), new long[1])[0];
            long expectedNext = tdmr.base() + Math.min(calls * bytesPerCall, tdmr.size());
            if (tdmr.next() != expectedNext) {
                problems.add(String.format("TDMR 0x%x is initialized up to 0x%x, but %d TDMR.INIT calls succeeded",
                        tdmr.base(), tdmr.next(), calls));
            }
        }
        return problems;
    }
}
