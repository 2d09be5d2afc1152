package org.tdxemu.kernel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostEvent;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.ReservedArea;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.testing.EmulatedMachine;
import org.tdxemu.kernel.testing.TdmrRules;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * The optimal planner on random hosts ({@link RandomHosts}) against the real emulated module, the
 * kernel's planner beside it on the same host:
 * <ul>
 *   <li>where the kernel's planner plans, the optimal one plans too, for no more PAMT;</li>
 *   <li>every plan it makes fits the module's limits, leaves usable exactly the memory the
 *       kernel's plan would (the memory list, less the PAMTs), and the module takes it:
 *       TDH.SYS.CONFIG and every TDH.SYS.KEY.CONFIG succeed, and on hosts of up to
 *       {@value #FULL_INIT_GIB} GiB of TDMRs every TDH.SYS.TDMR.INIT too (beyond that the run
 *       stops at the first TDMR.INIT, which would take 256 calls per GiB);</li>
 *   <li>when it does not plan, it says why, with -ENOSPC or -ENOMEM, and its PAMTs are all freed.</li>
 * </ul>
 * {@code -Dfuzz.tries=N} sets the number of hosts (default 250); a failure prints the shrunk host
 * and the seed to replay with {@code -DQT_SEED=…}.
 */
class OptimalPlansAgainstModulePropertyTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 250);
    static final long FULL_INIT_GIB = 64;
    private static final KernelOptions OPTIMAL = KernelOptions.DEFAULT.withPlanner(PlannerKind.OPTIMAL);

    private final Map<String, Integer> outcomes = new TreeMap<>();
    private long pamtSavedKb;

    @Test
    void theModuleTakesEveryOptimalPlanAndNoneCostsMoreThanTheKernels() {
        qt().withExamples(TRIES).withShrinkCycles(2000).forAll(RandomHosts.hosts()).checkAssert(this::check);
        System.out.printf("The optimal planner against the kernel's and the module: %d hosts %s, %d KB of PAMT saved%n",
                TRIES, outcomes, pamtSavedKb);
        assertTrue(outcomes.containsKey("both plan") && outcomes.containsKey("only the optimal planner plans"),
                outcomes::toString);
    }

    private void check(RandomHosts.RandomHost host) {
        ModuleLimits limits = new ModuleLimits(host.settings().maxTdmrs(), host.settings().maxReservedPerTdmr(),
                host.settings().pamt4kEntrySize(), host.settings().pamt2mEntrySize(), host.settings().pamt1gEntrySize());
        PlanResult kernel = TdxKernel.plan(host.config(), limits, KernelOptions.DEFAULT, host.cmrs());
        try (EmulatedMachine machine = new EmulatedMachine(host.config(), host.cmrs(), host.settings())) {
            Recorded module = new Recorded(machine, limits.maxReservedPerTdmr());
            TdxKernel optimal = TdxKernel.create(OPTIMAL, machine.host(), module);
            Optional<InitResult> result = bootUntilStopped(optimal);
            Supplier<String> context = () -> host + "\nkernel: " + kernel.log() + "\noptimal: " + optimal.log().lines();
            List<Range> pamts = pamtChunks(machine.host().events());
            if (module.config.isEmpty()) {
                InitResult.Failed failed = assertInstanceOf(InitResult.Failed.class, result.orElseThrow(), context);
                PlanResult.NotPlanned notPlanned = assertInstanceOf(PlanResult.NotPlanned.class, kernel,
                        () -> "the kernel plans where the optimal planner does not\n" + context.get());
                assertTrue(pamts.isEmpty(), context);
                if (optimal.log().lines().stream().noneMatch(l -> l.startsWith("virt/tdx: optimal planner: cannot plan: "))) {
                    assertEquals(List.of(), notPlanned.tdmrs(), () -> "both fail before planning\n" + context.get());
                    assertEquals(notPlanned.errno(), failed.errno(), context);
                    count("neither gets to plan");
                    return;
                }
                assertTrue(failed.errno() == Errno.ENOSPC || failed.errno() == Errno.ENOMEM, context);
                count(failed.errno() == Errno.ENOMEM ? "neither plans: no memory for a PAMT" : "neither plans: ENOSPC");
                return;
            }
            assertStatus(StatusCode.TDX_SUCCESS.value(), module.config.get(), "TDH.SYS.CONFIG of the optimal plan\n"
                    + context.get());
            module.keyConfigs.forEach(status -> assertStatus(StatusCode.TDX_SUCCESS.value(), status,
                    "TDH.SYS.KEY.CONFIG\n" + context.get()));
            result.ifPresent(r -> assertInstanceOf(InitResult.Initialized.class, r, context));
            TdmrPlan plan = module.plan;
            assertWithinLimits(plan, limits, context);
            assertEquals(usable(TdmrRules.memlist(host.config()), pamts), usable(plan), () -> "usable memory\n" + context.get());
            if (kernel instanceof PlanResult.Planned planned) {
                long kernelKb = planned.plan().pamtKb();
                assertTrue(plan.pamtBytes() <= planned.plan().pamtBytes(), () -> "optimal " + plan.pamtKb() + " KB, kernel "
                        + kernelKb + " KB\n" + context.get());
                pamtSavedKb += kernelKb - plan.pamtKb();
                count("both plan");
            } else {
                count("only the optimal planner plans");
            }
        }
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /** The module reads all 16 reserved slots whatever it reports, so the limits it reports are checked here. */
    private static void assertWithinLimits(TdmrPlan plan, ModuleLimits limits, Supplier<String> context) {
        assertTrue(plan.tdmrs().size() <= limits.maxTdmrs(), context);
        for (Tdmr tdmr : plan.tdmrs()) {
            assertTrue(tdmr.reservedAreas().size() <= limits.maxReservedPerTdmr(), () -> tdmr + "\n" + context.get());
        }
    }

    /** What a plan lets the module use: its TDMRs less their reserved areas. */
    private static List<Range> usable(TdmrPlan plan) {
        List<Range> usable = new ArrayList<>();
        for (Tdmr tdmr : plan.tdmrs()) {
            long cursor = tdmr.base();
            for (ReservedArea area : tdmr.reservedAreas()) {
                add(usable, new Range(cursor, tdmr.base() + area.offset()));
                cursor = tdmr.base() + area.end();
            }
            add(usable, new Range(cursor, tdmr.end()));
        }
        return usable;
    }

    /** The memory list less the PAMT chunks, ranges joined where they touch. */
    private static List<Range> usable(List<Range> memlist, List<Range> pamts) {
        List<Range> usable = new ArrayList<>();
        for (Range block : memlist) {
            long cursor = block.start();
            for (Range pamt : pamts.stream().filter(block::overlaps).sorted().toList()) {
                add(usable, new Range(cursor, Math.max(cursor, pamt.start())));
                cursor = Math.max(cursor, pamt.end());
            }
            add(usable, new Range(cursor, Math.max(cursor, block.end())));
        }
        return usable;
    }

    private static void add(List<Range> ranges, Range range) {
        if (range.isEmpty()) {
            return;
        }
        int last = ranges.size() - 1;
        if (last >= 0 && ranges.get(last).end() == range.start()) {
            ranges.set(last, new Range(ranges.get(last).start(), range.end()));
        } else {
            ranges.add(range);
        }
    }

    private static List<Range> pamtChunks(List<HostEvent> events) {
        List<Range> live = new ArrayList<>();
        for (HostEvent e : events) {
            if (e instanceof HostEvent.Allocated a && a.purpose() == AllocationPurpose.PAMT) {
                live.add(a.range());
            } else if (e instanceof HostEvent.Freed f && f.purpose() == AllocationPurpose.PAMT) {
                live.remove(f.range());
            }
        }
        return live;
    }

    /** The kernel's boot, or nothing when the run stopped at the first TDMR.INIT of a large plan. */
    private static Optional<InitResult> bootUntilStopped(TdxKernel kernel) {
        try {
            return Optional.of(kernel.boot());
        } catch (Stopped e) {
            return Optional.empty();
        }
    }

    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the run stops before TDMR.INIT on a large plan", null, false, false);
        }
    }

    /**
     * The emulated module, every SEAMCALL passed through; it keeps CONFIG's and each KEY.CONFIG's
     * status and the plan CONFIG took, and stops the run at the first TDMR.INIT when the configured
     * TDMRs exceed {@value #FULL_INIT_GIB} GiB.
     */
    private static final class Recorded implements Seamcall {
        private final EmulatedMachine machine;
        private final int maxAreas;
        Optional<Long> config = Optional.empty();
        final List<Long> keyConfigs = new ArrayList<>();
        TdmrPlan plan;

        Recorded(EmulatedMachine machine, int maxAreas) {
            this.machine = machine;
            this.maxAreas = maxAreas;
        }

        @Override
        public long call(int cpu, RegisterFile registers) {
            long rax = registers.rax();
            if (rax == Leaf.TDH_SYS_TDMR_INIT.rax() && machine.module().status().tdmrs().stream()
                    .mapToLong(t -> t.size()).sum() > FULL_INIT_GIB << 30) {
                throw new Stopped();
            }
            if (rax == Leaf.TDH_SYS_CONFIG.rax()) {
                plan = planInMemory(registers.rcx(), (int) registers.rdx());
            }
            long status = machine.module().call(cpu, registers);
            if (rax == Leaf.TDH_SYS_CONFIG.rax()) {
                config = Optional.of(status);
            } else if (rax == Leaf.TDH_SYS_KEY_CONFIG.rax()) {
                keyConfigs.add(status);
            }
            return status;
        }

        /** The plan as TDH.SYS.CONFIG is given it: the TDMR_INFO entries the pointer array names. */
        private TdmrPlan planInMemory(long array, int count) {
            List<Tdmr> tdmrs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TdmrInfo info = TdmrInfo.at(machine.memory(), TdmrPointerArray.at(machine.memory(), array).get(i));
                List<ReservedArea> areas = new ArrayList<>();
                for (int a = 0; a < maxAreas && info.reservedSize(a) != 0; a++) {
                    areas.add(new ReservedArea(info.reservedOffset(a), info.reservedSize(a)));
                }
                tdmrs.add(new Tdmr(info.base(), info.size(), info.pamtBase(PageSize.SIZE_4K),
                        info.pamtSize(PageSize.SIZE_4K), info.pamtSize(PageSize.SIZE_2M), info.pamtSize(PageSize.SIZE_1G),
                        areas));
            }
            return new TdmrPlan(tdmrs);
        }
    }
}
