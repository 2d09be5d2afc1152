package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.ContigAllocator;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.seamcall.layout.PageSize;

/**
 * construct_tdmrs() (kernel-init.md §3.3 to §3.6): cover the TDX memory list with 1 GiB-aligned
 * TDMRs, one per memory block, give each TDMR one contiguous PAMT chunk on its node, and mark as
 * reserved every memory hole and every PAMT inside each TDMR. No SEAMCALL, no physical memory:
 * the result is plain values, which the caller writes into TDMR_INFO entries.
 *
 * <p>It produces exactly the kernel's TDMRs, PAMTs, reserved areas, errors and messages, in the
 * kernel's order. Where the kernel rescans every memory block and every PAMT for each TDMR, this
 * walks them alongside the ascending TDMRs, which gives the same areas because blocks, holes and
 * PAMT chunks are ascending and disjoint.
 *
 * <p>When it fails, it also says how far it got: the TDMR list as the kernel left it, and what ran
 * short. That report is built on the failure paths only, from what the planner holds anyway, so a
 * plan that succeeds costs nothing more; the kernel frees everything there, and so does the planner.
 */
public final class TdmrPlanner {

    /** TDMR_ALIGNMENT: a TDMR's base and size are multiples of 1 GiB. */
    public static final long TDMR_ALIGNMENT = PageSize.SIZE_1G.bytes();
    /** TDMR_NR_WARN: fewer unused TDMRs than this draws a warning. */
    public static final int TDMR_NR_WARN = 4;

    private final TdxMemlist memlist;
    private final AddressRanges holeSource;
    private final ModuleLimits limits;
    private final PlannerRules rules;
    private final ContigAllocator allocator;
    private final KernelLog log;

    private int tdmrCount;
    private long[] bases;
    private long[] sizes;
    private long[] pamt4kBytes;
    private long[] pamt2mBytes;
    private long[] pamt1gBytes;
    private long[] pamtBases;
    /** The areas of the TDMR being populated, as many as one TDMR can need or the module takes. */
    private long[] areaOffsets;
    private long[] areaSizes;
    private int areaCount;
    private Errno failure;

    private TdmrPlanner(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits, PlannerRules rules,
                        ContigAllocator allocator, KernelLog log) {
        this.memlist = memlist;
        this.holeSource = holeSource;
        this.limits = limits;
        this.rules = rules;
        this.allocator = allocator;
        this.log = log;
    }

    /**
     * Builds the TDMRs for {@code memlist}, allocating their PAMTs from {@code allocator}.
     *
     * @param holeSource the ranges whose gaps inside a TDMR become reserved areas: the memory list
     *                   itself (upstream), or the CMRs (the later fix)
     * @param limits limits the kernel supports ({@link ModuleLimits#supportedByKernel()})
     * @return the plan, whose PAMTs the caller now owns; or the error, with every PAMT freed and the
     *         TDMR list as the kernel left it; either with the log as it then stands
     */
    public static PlanResult construct(TdxMemlist memlist, AddressRanges holeSource, ModuleLimits limits,
                                         PlannerRules rules, ContigAllocator allocator, KernelLog log) {
        if (!limits.supportedByKernel()) {
            throw new IllegalArgumentException("limits the kernel cannot work with: " + limits);
        }
        return new TdmrPlanner(memlist, holeSource, limits, rules, allocator, log).construct();
    }

    private PlanResult construct() {
        if (!fillOutTdmrs()) {
            int maxTdmrs = limits.maxTdmrs();
            return failed(new Tdmr[maxTdmrs], Optional.of(Shortfall.tdmrs(maxTdmrs, tdmrsNeeded(), maxTdmrs)));
        }
        int withPamt = setUpPamts();
        if (withPamt < tdmrCount) {
            return failed(new Tdmr[tdmrCount], Optional.of(Shortfall.pamtPages(withPamt, pamtPages(withPamt))));
        }
        Tdmr[] tdmrs = populateReservedAreas();
        if (failure != null) {
            return reservedAreasFailed(tdmrs);
        }
        return new PlanResult.Planned(new TdmrPlan(List.of(tdmrs)), log.lines());
    }

    /** fill_out_tdmrs(): one TDMR per memory block, skipping what the previous TDMR already covers. */
    private boolean fillOutTdmrs() {
        int maxTdmrs = limits.maxTdmrs();
        // Each block starts at most one TDMR, so the module's limit is only reached with that many blocks;
        // an empty list still leaves the kernel one empty TDMR.
        bases = new long[Math.min(maxTdmrs, Math.max(1, memlist.count()))];
        sizes = new long[bases.length];
        int index = 0;
        for (int b = 0; b < memlist.count(); b++) {
            long start = Page.alignDown(memlist.start(b), TDMR_ALIGNMENT);
            long end = Page.alignUp(memlist.end(b), TDMR_ALIGNMENT);
            if (sizes[index] != 0) {
                long tdmrEnd = bases[index] + sizes[index];
                if (end <= tdmrEnd) {
                    continue;
                }
                if (start < tdmrEnd) {
                    start = tdmrEnd;
                }
                index++;
                if (index >= maxTdmrs) {
                    if (rules.printsMessages()) {
                        log.print("initialization failed: TDMRs exhausted.");
                    }
                    failure = rules.exhausted();
                    return false;
                }
            }
            bases[index] = start;
            sizes[index] = end - start;
        }
        tdmrCount = index + 1;
        if (maxTdmrs - tdmrCount < TDMR_NR_WARN && rules.printsMessages()) {
            log.printf("consumed TDMRs reaching limit: %d used out of %d", tdmrCount, maxTdmrs);
        }
        return true;
    }

    /**
     * tdmrs_set_up_pamt_all(): one chunk per TDMR on its node, split 4K, 2M, 1G from the bottom.
     *
     * @return how many TDMRs got their PAMT: all of them, or up to the one whose PAMT could not be
     *         allocated, with every PAMT freed again
     */
    private int setUpPamts() {
        pamt4kBytes = new long[tdmrCount];
        pamt2mBytes = new long[tdmrCount];
        pamt1gBytes = new long[tdmrCount];
        pamtBases = new long[tdmrCount];
        int nodeCursor = 0;
        for (int i = 0; i < tdmrCount; i++) {
            // tdmr_get_nid(): the first block that ends above the TDMR's base; bases ascend, so does the block.
            while (nodeCursor < memlist.count()
                    && memlist.end(nodeCursor) >>> Page.SHIFT <= bases[i] >>> Page.SHIFT) {
                nodeCursor++;
            }
            int node = nodeCursor < memlist.count() ? memlist.node(nodeCursor) : noNode(i);
            long bytes4k = limits.pamtBytes(sizes[i], PageSize.SIZE_4K);
            long bytes2m = limits.pamtBytes(sizes[i], PageSize.SIZE_2M);
            long bytes1g = limits.pamtBytes(sizes[i], PageSize.SIZE_1G);
            OptionalLong chunk = allocator.allocContigPages((bytes4k + bytes2m + bytes1g) >>> Page.SHIFT, node);
            if (chunk.isEmpty()) {
                freePamts(i);
                failure = Errno.ENOMEM;
                return i;
            }
            pamtBases[i] = chunk.getAsLong();
            pamt4kBytes[i] = bytes4k;
            pamt2mBytes[i] = bytes2m;
            pamt1gBytes[i] = bytes1g;
        }
        return tdmrCount;
    }

    private int noNode(int tdmr) {
        if (rules.printsMessages()) {
            log.printf("TDMR [0x%x, 0x%x): unable to find local NUMA node for PAMT allocation, fallback to use node 0.",
                    bases[tdmr], bases[tdmr] + sizes[tdmr]);
        } else {
            log.warnOn("tdmr_get_nid(): no memory block ends above the TDMR's base");
        }
        return 0;
    }

    private long pamtChunkBytes(int tdmr) {
        return pamt4kBytes[tdmr] + pamt2mBytes[tdmr] + pamt1gBytes[tdmr];
    }

    /** tdmrs_free_pamt_all() over the first {@code upTo} TDMRs; the rest have no PAMT yet. */
    private void freePamts(int upTo) {
        for (int i = 0; i < upTo; i++) {
            allocator.freeContigRange(pamtBases[i], pamtChunkBytes(i) >>> Page.SHIFT);
        }
    }

    /**
     * tdmrs_populate_rsvd_areas_all(). When an area cannot be added, {@link #failure} is set and
     * the TDMRs come back as far as they got: the failing one and those after it null.
     */
    private Tdmr[] populateReservedAreas() {
        // A TDMR holds at most one hole more than the hole source has ranges, and every PAMT chunk.
        int mostAreas = (int) Math.min(limits.maxReservedPerTdmr(), holeSource.count() + 1L + tdmrCount);
        areaOffsets = new long[mostAreas];
        areaSizes = new long[mostAreas];
        int[] chunksByBase = chunksByBase();
        int holeCursor = 0;
        int chunkCursor = 0;
        Tdmr[] tdmrs = new Tdmr[tdmrCount];
        for (int i = 0; i < tdmrCount; i++) {
            long base = bases[i];
            long end = base + sizes[i];
            areaCount = 0;

            // tdmr_populate_rsvd_holes(): blocks ending below the base are skipped, as the kernel skips them.
            while (holeCursor < holeSource.count() && holeSource.end(holeCursor) < base) {
                holeCursor++;
            }
            long previousEnd = base;
            for (int b = holeCursor; b < holeSource.count() && holeSource.start(b) < end; b++) {
                if (holeSource.start(b) > previousEnd && !addArea(i, previousEnd, holeSource.start(b) - previousEnd)) {
                    return tdmrs;
                }
                previousEnd = holeSource.end(b);
            }
            if (previousEnd < end && !addArea(i, previousEnd, end - previousEnd)) {
                return tdmrs;
            }

            // tdmr_populate_rsvd_pamts(): every chunk that intersects this TDMR, clipped to it.
            while (chunkCursor < tdmrCount
                    && pamtBases[chunksByBase[chunkCursor]] + pamtChunkBytes(chunksByBase[chunkCursor]) <= base) {
                chunkCursor++;
            }
            for (int k = chunkCursor; k < tdmrCount && pamtBases[chunksByBase[k]] < end; k++) {
                int j = chunksByBase[k];
                long start = Math.max(pamtBases[j], base);
                long stop = Math.min(pamtBases[j] + pamtChunkBytes(j), end);
                if (!addArea(i, start, stop - start)) {
                    return tdmrs;
                }
            }
            tdmrs[i] = new Tdmr(base, sizes[i], pamtBases[i], pamt4kBytes[i], pamt2mBytes[i], pamt1gBytes[i],
                    sortedAreas(i));
        }
        return tdmrs;
    }

    /**
     * TDMR indices ordered by PAMT base. A base is page-aligned and below 2^52, so its page number
     * and a 16-bit index pack into one long, and a plain sort of longs orders them.
     */
    private int[] chunksByBase() {
        int[] order = new int[tdmrCount];
        boolean ascending = true;
        for (int i = 0; i < tdmrCount; i++) {
            order[i] = i;
            ascending &= i == 0 || pamtBases[i - 1] < pamtBases[i];
        }
        if (ascending) {
            return order;
        }
        long[] keys = new long[tdmrCount];
        for (int i = 0; i < tdmrCount; i++) {
            keys[i] = (pamtBases[i] >>> Page.SHIFT) << Short.SIZE | i;
        }
        Arrays.sort(keys);
        for (int i = 0; i < tdmrCount; i++) {
            order[i] = (int) (keys[i] & 0xFFFF);
        }
        return order;
    }

    /** tdmr_add_rsvd_area(): one area per call, never merged with its neighbours. */
    private boolean addArea(int tdmr, long address, long size) {
        if (!Page.isAligned(address) || !Page.isAligned(size)) {
            log.warnOn("tdmr_add_rsvd_area(): reserved area not 4K aligned");
            failure = Errno.EINVAL;
            return false;
        }
        if (areaCount >= limits.maxReservedPerTdmr()) {
            if (rules.printsMessages()) {
                log.printf("initialization failed: TDMR [0x%x, 0x%x): reserved areas exhausted.",
                        bases[tdmr], bases[tdmr] + sizes[tdmr]);
            }
            failure = rules.exhausted();
            return false;
        }
        areaOffsets[areaCount] = address - bases[tdmr];
        areaSizes[areaCount] = size;
        areaCount++;
        return true;
    }

    // ---- The failure report: only the failure paths come here ----------------------------------

    /**
     * The failing TDMR gets the areas the kernel had added to it, in the order it added them (it
     * sorts only once all fit); then every PAMT is freed.
     */
    private PlanResult reservedAreasFailed(Tdmr[] tdmrs) {
        int failing = 0;
        while (tdmrs[failing] != null) {
            failing++;
        }
        List<ReservedArea> added = areasInKernelOrder(failing);
        tdmrs[failing] = withAreas(failing, added.subList(0, areaCount));
        freePamts(tdmrCount);
        return failed(tdmrs, failure == rules.exhausted()
                ? Optional.of(Shortfall.reservedAreas(failing, added.size(), limits.maxReservedPerTdmr()))
                : Optional.empty());
    }

    /**
     * The error, with the TDMR list as the kernel left it: the entries of {@code populated} that
     * are there, and for each null one its TDMR with the PAMT allocated so far and no areas.
     */
    private PlanResult failed(Tdmr[] populated, Optional<Shortfall> shortfall) {
        List<Tdmr> tdmrs = new ArrayList<>(populated.length);
        for (int i = 0; i < populated.length; i++) {
            tdmrs.add(populated[i] != null ? populated[i] : withAreas(i, List.of()));
        }
        return PlanResult.NotPlanned.of(failure, tdmrs, shortfall, log.lines());
    }

    private Tdmr withAreas(int tdmr, List<ReservedArea> areas) {
        if (pamtBases == null) {
            return new Tdmr(bases[tdmr], sizes[tdmr], 0, 0, 0, 0, areas);
        }
        return new Tdmr(bases[tdmr], sizes[tdmr], pamtBases[tdmr], pamt4kBytes[tdmr], pamt2mBytes[tdmr],
                pamt1gBytes[tdmr], areas);
    }

    /** The pages of {@code tdmr}'s PAMT chunk, as tdmr_set_up_pamt() asks for them. */
    private long pamtPages(int tdmr) {
        long bytes = 0;
        for (PageSize pageSize : PageSize.values()) {
            bytes += limits.pamtBytes(sizes[tdmr], pageSize);
        }
        return bytes >>> Page.SHIFT;
    }

    /**
     * How many TDMRs the whole memory list needs, counted past the module's limit: the first block
     * starts one, and so does every later block that reaches past the GiBs covered so far.
     */
    private int tdmrsNeeded() {
        int needed = 1;
        long covered = Page.alignUp(memlist.end(0), TDMR_ALIGNMENT);
        for (int b = 1; b < memlist.count(); b++) {
            long end = Page.alignUp(memlist.end(b), TDMR_ALIGNMENT);
            if (end > covered) {
                needed++;
                covered = end;
            }
        }
        return needed;
    }

    /**
     * Every area {@code tdmr} needs, in the order tdmr_populate_rsvd_areas() adds them: the holes
     * ascending, then the PAMT chunks by TDMR index (not by address, as the walk above takes them).
     */
    private List<ReservedArea> areasInKernelOrder(int tdmr) {
        long base = bases[tdmr];
        long end = base + sizes[tdmr];
        List<ReservedArea> areas = new ArrayList<>();
        long holeStart = base;
        for (int b = 0; b < holeSource.count() && holeSource.start(b) < end; b++) {
            if (holeSource.end(b) >= base) {
                if (holeSource.start(b) > holeStart) {
                    areas.add(new ReservedArea(holeStart - base, holeSource.start(b) - holeStart));
                }
                holeStart = holeSource.end(b);
            }
        }
        if (holeStart < end) {
            areas.add(new ReservedArea(holeStart - base, end - holeStart));
        }
        for (int j = 0; j < tdmrCount; j++) {
            long start = Math.max(pamtBases[j], base);
            long stop = Math.min(pamtBases[j] + pamtChunkBytes(j), end);
            if (start < stop) {
                areas.add(new ReservedArea(start - base, stop - start));
            }
        }
        return areas;
    }

    /**
     * The areas sorted by offset, as the kernel's sort() with rsvd_area_cmp_func() leaves them.
     * Holes lie outside RAM and PAMTs inside it, so areas never overlap; the kernel only WARNs if
     * they do, the model refuses.
     */
    private List<ReservedArea> sortedAreas(int tdmr) {
        for (int i = 1; i < areaCount; i++) {
            long offset = areaOffsets[i];
            long size = areaSizes[i];
            int k = i;
            for (; k > 0 && areaOffsets[k - 1] > offset; k--) {
                areaOffsets[k] = areaOffsets[k - 1];
                areaSizes[k] = areaSizes[k - 1];
            }
            areaOffsets[k] = offset;
            areaSizes[k] = size;
        }
        ReservedArea[] areas = new ReservedArea[areaCount];
        for (int i = 0; i < areaCount; i++) {
            areas[i] = new ReservedArea(areaOffsets[i], areaSizes[i]);
            if (i > 0 && areas[i].offset() < areas[i - 1].end()) {
                throw new IllegalStateException(String.format("TDMR [0x%x, 0x%x): reserved areas %s and %s overlap",
                        bases[tdmr], bases[tdmr] + sizes[tdmr], areas[i - 1], areas[i]));
            }
        }
        return List.of(areas);
    }
}
