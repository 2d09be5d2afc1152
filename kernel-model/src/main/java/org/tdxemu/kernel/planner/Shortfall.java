package org.tdxemu.kernel.planner;

import java.util.List;
import java.util.OptionalLong;

/**
 * What construct_tdmrs() ran out of: TDMR {@code tdmr} (the kernel's index) needed {@code needed}
 * of {@code what}, and there were {@code limit}. The kernel stops at the first thing that does not
 * fit and never counts further; {@code needed} is the whole count, carried on past that point.
 *
 * @param limit what the module takes; empty for PAMT pages, where the page allocator simply had no
 *              run that long
 */
public record Shortfall(int tdmr, Resource what, long needed, OptionalLong limit) {

    public enum Resource {
        TDMRS("TDMRs"),
        RESERVED_AREAS("reserved areas"),
        PAMT_PAGES("contiguous PAMT pages");

        private final String words;

        Resource(String words) {
            this.words = words;
        }

        /** {@code reserved areas}. */
        public String words() {
            return words;
        }
    }

    static Shortfall tdmrs(int tdmr, long needed, int maxTdmrs) {
        return new Shortfall(tdmr, Resource.TDMRS, needed, OptionalLong.of(maxTdmrs));
    }

    static Shortfall reservedAreas(int tdmr, long needed, int maxReservedPerTdmr) {
        return new Shortfall(tdmr, Resource.RESERVED_AREAS, needed, OptionalLong.of(maxReservedPerTdmr));
    }

    static Shortfall pamtPages(int tdmr, long pages) {
        return new Shortfall(tdmr, Resource.PAMT_PAGES, pages, OptionalLong.empty());
    }

    /**
     * One line for people, e.g. {@code TDMR [0x0, 0x80000000) needs 17 reserved areas, the module
     * takes 16}.
     *
     * @param tdmrs the TDMR list as the kernel left it, which names the TDMRs
     */
    public String reason(List<Tdmr> tdmrs) {
        return switch (what) {
            case TDMRS -> String.format("the memory needs %d TDMRs, the module takes %d, so memory from 0x%x up is left out",
                    needed, limit.getAsLong(), tdmrs.get(tdmrs.size() - 1).end());
            case RESERVED_AREAS -> String.format("TDMR %s needs %d %s, the module takes %d", tdmrs.get(tdmr).range(),
                    needed, what.words(), limit.getAsLong());
            case PAMT_PAGES -> String.format("TDMR %s needs %d %s, the page allocator has no run that long",
                    tdmrs.get(tdmr).range(), needed, what.words());
        };
    }
}
