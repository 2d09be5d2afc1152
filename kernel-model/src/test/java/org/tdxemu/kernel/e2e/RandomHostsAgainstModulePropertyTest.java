package org.tdxemu.kernel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.HostEvent;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.testing.EmulatedMachine;
import org.tdxemu.kernel.testing.TdmrRules;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.PamtEntry;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * The merged kernel's init on random hosts ({@link RandomHosts}) against the real emulated module,
 * Linux 6.18 against a 1.5 module or, on half the hosts, the Dynamic PAMT series against a module
 * that has it (its 4K PAMTs bitmaps, its refcounts allocated first, dynamic-pamt.md §3), up to
 * TDH.SYS.CONFIG: either the module accepts the plan the kernel writes, exactly as the kernel
 * writes it, or the kernel fails before CONFIG with -ENOSPC or -ENOMEM for a reason this test sees
 * for itself from kernel-init.md §3: more TDMRs than the module allows; more holes and PAMTs in
 * the TDMR the log names than reserved areas; no free memory of the shape the failed allocation
 * needed (for a PAMT, a window of its chunk's pages on any node). The CMRs hold every memory region,
 * so memblock RAM is convertible, as the merged kernel assumes. The run stops at the first
 * SEAMCALL after CONFIG: TDMR.INIT would take 256 calls per GiB.
 *
 * <p>{@code -Dfuzz.tries=N} sets the number of hosts (default 500); a failure prints the shrunk
 * host and the seed to replay with {@code -DQT_SEED=…}.
 */
class RandomHostsAgainstModulePropertyTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 500);
    private static final String TDMRS_EXHAUSTED = "virt/tdx: initialization failed: TDMRs exhausted.";
    private static final Pattern AREAS_EXHAUSTED = Pattern.compile("virt/tdx: initialization failed: "
            + "TDMR \\[0x(\\p{XDigit}+), 0x(\\p{XDigit}+)\\): reserved areas exhausted\\.");
    private static final String ACCEPTED = "CONFIG accepted the plan";
    private static final String TOO_MANY_TDMRS = "ENOSPC: more TDMRs than the module allows";
    private static final String TOO_MANY_AREAS = "ENOSPC: more reserved areas than the module allows";
    private static final String NO_ROOM_FOR_A_PAMT = "ENOMEM: no window for a PAMT chunk";
    private static final String ACCEPTED_WITH_DYNAMIC_PAMT = "CONFIG accepted the plan with Dynamic PAMT";
    /** What every CI run must see at least once. */
    private static final Set<String> OUTCOMES = Set.of(ACCEPTED, ACCEPTED_WITH_DYNAMIC_PAMT, TOO_MANY_TDMRS,
            TOO_MANY_AREAS, NO_ROOM_FOR_A_PAMT);

    private final Map<String, Integer> outcomes = new TreeMap<>();
    private Extent largestAccepted = new Extent(0, 0, 0);

    /** How far accepted hosts reached: the most regions, the highest address and the most TDMRs seen. */
    private record Extent(int regions, long top, int tdmrs) {
        Extent largerOf(HostConfig host, int tdmrCount) {
            return new Extent(Math.max(regions, host.memblock().size()),
                    Math.max(top, host.memblock().get(host.memblock().size() - 1).end()), Math.max(tdmrs, tdmrCount));
        }

        @Override
        public String toString() {
            return String.format("up to %d regions, %d GiB, %d TDMRs", regions, top >>> 30, tdmrs);
        }
    }

    @Test
    void theModuleAcceptsEveryPlanAndEveryFailureBeforeConfigHasItsReason() {
        long started = System.nanoTime();
        qt().withExamples(TRIES).withShrinkCycles(2000).forAll(RandomHosts.hosts()).checkAssert(this::check);
        double seconds = (System.nanoTime() - started) / 1e9;

        System.out.printf("The kernel's plan against the emulated module: %d hosts in %.1f s (%.0f a second), accepted "
                + "ones %s%n  %s%n", TRIES, seconds, TRIES / seconds, largestAccepted, outcomes);
        assertTrue(outcomes.keySet().containsAll(OUTCOMES),
                "outcomes no host reached: " + OUTCOMES + " vs " + outcomes);
    }

    private void check(RandomHosts.RandomHost host) {
        List<Range> memlist = TdmrRules.memlist(host.config());
        List<Range> tdmrs = TdmrRules.tdmrsCovering(memlist);
        try (EmulatedMachine machine = new EmulatedMachine(host.config(), host.cmrs(), host.settings())) {
            UpToConfig module = new UpToConfig(machine.module());
            boolean dynamicPamt = host.settings().dynamicPamt();
            TdxKernel kernel = TdxKernel.create(dynamicPamt ? KernelOptions.of(Profile.DPAMT) : KernelOptions.DEFAULT,
                    machine.host(), module);
            Optional<InitResult> result = bootUntilConfigAnswered(kernel);
            Supplier<String> context = () -> host + "\n" + kernel.log().lines();
            if (module.configStatus().isPresent()) {
                long status = module.configStatus().getAsLong();
                if (status != StatusCode.TDX_SUCCESS.value()) {
                    assertStatus(StatusCode.TDX_SUCCESS.value(), status, "TDH.SYS.CONFIG of the kernel's plan\n"
                            + context.get());
                }
                List<Range> configured = machine.module().status().tdmrs().stream()
                        .map(t -> Range.ofSize(t.base(), t.size())).toList();
                assertEquals(tdmrs, configured, context);
                assertWithinTheModulesLimits(host, memlist, tdmrs, pamtChunks(machine.host().events()), context);
                assertEquals(dynamicPamt, machine.module().status().dynamicPamt(), context);
                count(dynamicPamt ? ACCEPTED_WITH_DYNAMIC_PAMT : ACCEPTED);
                largestAccepted = largestAccepted.largerOf(host.config(), tdmrs.size());
                return;
            }
            InitResult.Failed failed = assertInstanceOf(InitResult.Failed.class, result.orElseThrow(), context);
            if (failed.errno() == Errno.ENOSPC) {
                count(checkNoSpace(host, memlist, tdmrs, failed.log(), pamtChunks(machine.host().events()), context));
            } else if (failed.errno() == Errno.ENOMEM) {
                count(checkNoMemory(host, memlist, tdmrs, machine.host().events(), context));
            } else {
                fail("the kernel failed with " + failed.errno() + " before CONFIG\n" + context.get());
            }
        }
    }

    /** The kernel's boot, or nothing when the run ended after TDH.SYS.CONFIG answered. */
    private static Optional<InitResult> bootUntilConfigAnswered(TdxKernel kernel) {
        try {
            return Optional.of(kernel.boot());
        } catch (ConfigAnswered e) {
            return Optional.empty();
        }
    }

    /**
     * The module reads all 16 reserved slots whatever it reports, so CONFIG alone would not catch a
     * plan over the reported limits: at most max_tdmrs TDMRs, each with at most max_reserved holes
     * and PAMT chunks.
     */
    private static void assertWithinTheModulesLimits(RandomHosts.RandomHost host, List<Range> memlist,
                                                     List<Range> tdmrs, List<Range> pamtChunks,
                                                     Supplier<String> context) {
        assertTrue(tdmrs.size() <= host.settings().maxTdmrs(), context);
        for (Range tdmr : tdmrs) {
            long areas = reservedAreasNeeded(tdmr, memlist, pamtChunks);
            assertTrue(areas <= host.settings().maxReservedPerTdmr(),
                    () -> "TDMR " + tdmr + " has " + areas + " reserved areas\n" + context.get());
        }
    }

    private String checkNoSpace(RandomHosts.RandomHost host, List<Range> memlist, List<Range> tdmrs, List<String> log,
                                List<Range> pamtChunks, Supplier<String> context) {
        int maxTdmrs = host.settings().maxTdmrs();
        if (log.contains(TDMRS_EXHAUSTED)) {
            assertTrue(tdmrs.size() > maxTdmrs, () -> tdmrs.size() + " TDMRs fit " + maxTdmrs + "\n" + context.get());
            assertEquals(List.of(), pamtChunks, context);
            return TOO_MANY_TDMRS;
        }
        Matcher named = log.stream().map(AREAS_EXHAUSTED::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("-ENOSPC without saying why\n" + context.get()));
        Range failing = new Range(Long.parseUnsignedLong(named.group(1), 16),
                Long.parseUnsignedLong(named.group(2), 16));
        int index = tdmrs.indexOf(failing);
        assertTrue(index >= 0, () -> failing + " is not one of the TDMRs " + tdmrs + "\n" + context.get());
        assertTrue(tdmrs.size() <= maxTdmrs, context);
        assertEquals(tdmrs.size(), pamtChunks.size(), () -> "every TDMR has its PAMT\n" + context.get());
        int maxAreas = host.settings().maxReservedPerTdmr();
        for (int i = 0; i <= index; i++) {
            Range tdmr = tdmrs.get(i);
            long areas = reservedAreasNeeded(tdmr, memlist, pamtChunks);
            String what = "TDMR " + tdmr + " needs " + areas + " areas of " + maxAreas;
            assertTrue(i < index ? areas <= maxAreas : areas > maxAreas, () -> what + "\n" + context.get());
        }
        return TOO_MANY_AREAS;
    }

    /**
     * The allocation that failed is the first the kernel makes in this order and the events do not
     * show: with Dynamic PAMT the refcount array, then a tdx_memblock per block, the TDMR list, a
     * PAMT chunk per TDMR, the pointer array. It failed with what was live until then, before the
     * first free.
     */
    private String checkNoMemory(RandomHosts.RandomHost host, List<Range> memlist, List<Range> tdmrs,
                                 List<HostEvent> events, Supplier<String> context) {
        List<HostEvent.Allocated> before = new ArrayList<>();
        for (HostEvent event : events) {
            if (event instanceof HostEvent.Freed) {
                break;
            }
            if (event instanceof HostEvent.Allocated allocated) {
                before.add(allocated);
            }
        }
        FreeMemory free = FreeMemory.of(host.config(), before.stream().map(HostEvent.Allocated::range).toList());
        long memblocks = before.stream().filter(a -> a.purpose() == AllocationPurpose.TDX_MEMBLOCK).count();
        long pamts = before.stream().filter(a -> a.purpose() == AllocationPurpose.PAMT).count();
        boolean tdmrList = before.stream().anyMatch(a -> a.purpose() == AllocationPurpose.TDMR_LIST);
        boolean dynamicPamt = host.settings().dynamicPamt();
        if (dynamicPamt && before.stream().noneMatch(a -> a.purpose() == AllocationPurpose.PAMT_REFCOUNTS)) {
            long bytes = Page.alignUp((host.config().maxPfn() + 511) / 512 * 4);
            assertFalse(free.hasAlignedRange(bytes, Page.SIZE),
                    () -> "the refcounts found no room, yet there is\n" + context.get());
            return "ENOMEM: no room for the refcounts";
        }
        if (memblocks < memlist.size()) {
            assertFalse(free.hasFreePage(), () -> "a tdx_memblock found no page, yet one is free\n" + context.get());
            return "ENOMEM: no page for a tdx_memblock";
        }
        if (!tdmrList) {
            long bytes = tdmrListBytes(host);
            assertFalse(free.hasAlignedRange(Page.alignUp(bytes), Page.SIZE << Page.order(bytes)),
                    () -> "the TDMR list found no room, yet there is\n" + context.get());
            return "ENOMEM: no room for the TDMR list";
        }
        if (pamts < tdmrs.size()) {
            long pages = pamtChunkBytes(tdmrs.get((int) pamts), dynamicPamt) >>> Page.SHIFT;
            assertFalse(free.hasContigWindow(pages), () -> "TDMR " + pamts + "'s PAMT of " + pages
                    + " pages found no window, yet there is one\n" + context.get());
            return NO_ROOM_FOR_A_PAMT;
        }
        assertFalse(free.hasFreePage(), () -> "the pointer array found no page, yet one is free\n" + context.get());
        return "ENOMEM: no page for the pointer array";
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /** §3.6: one area per hole, and one per PAMT chunk that reaches into the TDMR, its own included. */
    private static long reservedAreasNeeded(Range tdmr, List<Range> memlist, List<Range> pamtChunks) {
        return TdmrRules.holes(tdmr, memlist).size() + pamtChunks.stream().filter(tdmr::overlaps).count();
    }

    /**
     * §3.4: one 16-byte entry per page of each size, each table in whole pages; with Dynamic PAMT
     * the 4K table is one bit per page (dynamic-pamt.md §3.3).
     */
    private static long pamtChunkBytes(Range tdmr, boolean dynamicPamt) {
        long bytes = 0;
        for (PageSize ps : PageSize.values()) {
            long pages = tdmr.size() >>> ps.shift();
            bytes += Page.alignUp(dynamicPamt && ps == PageSize.SIZE_4K ? (pages + 7) / 8 : pages * PamtEntry.BYTES);
        }
        return bytes;
    }

    /** §3.2: max_tdmrs entries of 64 + 16 × max_reserved bytes, each rounded up to 512. */
    private static long tdmrListBytes(RandomHosts.RandomHost host) {
        long entry = Page.alignUp(TdmrInfo.HEADER_BYTES + (long) TdmrInfo.RESERVED_AREA_BYTES
                * host.settings().maxReservedPerTdmr(), TdmrInfo.ALIGNMENT);
        return entry * host.settings().maxTdmrs();
    }

    private static List<Range> pamtChunks(List<HostEvent> events) {
        return events.stream().filter(e -> e instanceof HostEvent.Allocated a && a.purpose() == AllocationPurpose.PAMT)
                .map(e -> ((HostEvent.Allocated) e).range()).toList();
    }

    /** The run ends at the first SEAMCALL after TDH.SYS.CONFIG answered. */
    private static final class ConfigAnswered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigAnswered() {
            super("the run ends after TDH.SYS.CONFIG", null, false, false);
        }
    }

    /** The emulated module, every SEAMCALL passed through, until TDH.SYS.CONFIG has answered. */
    private static final class UpToConfig implements Seamcall {
        private final Seamcall module;
        private OptionalLong configStatus = OptionalLong.empty();

        UpToConfig(Seamcall module) {
            this.module = module;
        }

        OptionalLong configStatus() {
            return configStatus;
        }

        @Override
        public long call(int cpu, RegisterFile registers) {
            if (configStatus.isPresent()) {
                throw new ConfigAnswered();
            }
            boolean config = registers.rax() == Leaf.TDH_SYS_CONFIG.rax();
            long status = module.call(cpu, registers);
            if (config) {
                configStatus = OptionalLong.of(status);
            }
            return status;
        }
    }
}
