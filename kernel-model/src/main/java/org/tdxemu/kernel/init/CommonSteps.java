package org.tdxemu.kernel.init;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.AddressRanges;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.PlannerRules;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.planner.TdxMemlist;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/** The steps of init_tdx_module() that both profiles take the same way, each with its own SEAMCALL wrapper. */
final class CommonSteps {

    private CommonSteps() {
    }

    /**
     * record_keyid_partitioning() / detect_tdx(): the KeyID MSR, unless reading it faults or it
     * gives TDX no KeyID, in which case TDX is silently absent.
     */
    static Optional<KeyIdPartitioningMsr> tdxKeyIds(HostConfig host) {
        return host.keyIdPartitioning().filter(partitioning -> partitioning.tdxKeyIds() != 0);
    }

    /**
     * config_tdx_module(): TDH.SYS.CONFIG with a {@code arrayBytes} array of the TDMRs' addresses
     * and {@code r8}, the global KeyID (with the Dynamic PAMT series, and bit 16); the array is
     * freed whatever the result.
     */
    static Optional<Errno> configTdxModule(Host host, TdmrList tdmrList, TdmrPlan plan, long arrayBytes, long r8,
                                           int cpu, SeamcallFunction seamcall) {
        int tdmrCount = plan.tdmrs().size();
        OptionalLong array = tdmrList.pointerArray(arrayBytes, tdmrCount);
        if (array.isEmpty()) {
            return Optional.of(Errno.ENOMEM);
        }
        RegisterFile args = new RegisterFile().set(Gpr.RCX, array.getAsLong()).set(Gpr.RDX, tdmrCount)
                .set(Gpr.R8, r8);
        Optional<Errno> failure = seamcall.call(cpu, Leaf.TDH_SYS_CONFIG, args);
        host.kfree(array.getAsLong());
        return failure;
    }

    /**
     * The CPUs config_global_keyid() runs TDH.SYS.KEY.CONFIG on: walking the online CPUs in
     * ascending order, the first one seen of each package.
     */
    static List<Cpu> firstOnlineCpuOfEachPackage(HostConfig host) {
        Set<Integer> seen = new HashSet<>();
        List<Cpu> cpus = new ArrayList<>();
        for (Cpu cpu : host.onlineCpus()) {
            if (seen.add(cpu.packageId())) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    /**
     * zalloc_cpumask_var()'s size: one bit per possible CPU in whole longs. The package mask's bits
     * themselves are kept in Java; nothing reads them from memory.
     */
    static long cpumaskBytes(HostConfig host) {
        return (host.cpus().size() + Long.SIZE - 1) / Long.SIZE * Long.BYTES;
    }

    /**
     * init_tdmrs() (kernel-init.md §1.3 step J): each TDMR in order, TDH.SYS.TDMR.INIT with its base
     * again and again until the next-to-initialize address in RDX reaches its end; no bound on the
     * number of calls, as in the kernel.
     */
    static Optional<Errno> initTdmrs(TdmrPlan plan, int cpu, SeamcallFunction seamcall) {
        for (Tdmr tdmr : plan.tdmrs()) {
            long next;
            do {
                RegisterFile args = new RegisterFile().set(Gpr.RCX, tdmr.base());
                Optional<Errno> failure = seamcall.call(cpu, Leaf.TDH_SYS_TDMR_INIT, args);
                if (failure.isPresent()) {
                    return failure;
                }
                next = args.rdx();
            } while (Long.compareUnsigned(next, tdmr.end()) < 0);
        }
        return Optional.empty();
    }

    /**
     * The dry run's last step before construct_tdmrs(), once the memory list is built: the TDMR
     * list's allocation, which shares the zones PAMTs come from.
     */
    static PlannerSetup plannerSetup(PageAllocator allocator, TdxMemlist memlist, AddressRanges holeSource,
                                     ModuleLimits limits, Profile profile, PlannerKind planner, KernelLog log) {
        if (allocator.allocPagesExact(limits.tdmrListBytes(), AllocationPurpose.TDMR_LIST).isEmpty()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(Errno.ENOMEM, log.lines()));
        }
        return new PlannerSetup.Ready(memlist, holeSource, limits, PlannerRules.of(profile), planner, allocator, log);
    }

    /** tdmrs_free_pamt_all(): each TDMR's chunk back to the page allocator. */
    static void freePamts(Host host, TdmrPlan plan) {
        for (Tdmr tdmr : plan.tdmrs()) {
            host.freeContigRange(tdmr.pamtChunk().start(), tdmr.pamtChunk().size() >>> Page.SHIFT);
        }
    }

    /**
     * The memory-hotplug rule: once the TDX memory list exists, memory may go online only inside
     * one of its blocks, compared in whole pages.
     */
    static boolean mayGoOnline(Memlist memlist, Range range) {
        Range pages = new Range(Page.alignDown(range.start()), Page.alignDown(range.end()));
        return memlist.isEmpty() || memlist.blocks().stream().anyMatch(block -> block.range().contains(pages));
    }
}
