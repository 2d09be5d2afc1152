package org.tdxemu.emulator.module.config;

import java.util.Arrays;
import java.util.List;
import org.tdxemu.emulator.platform.Cmr;

/**
 * The CMR containment test of TDH.SYS.CONFIG (module-abi.md §4.4, "CMR containment test"). The
 * module walks the 32 CMR slots in list order, skips null ones, and lets a CMR whose base equals
 * the previous non-null CMR's end extend that CMR's range; an area passes when one of the ranges
 * it tests along the way holds it whole. Those ranges depend only on the CMR list, so they are
 * worked out once here and each test is a scan over them.
 */
public final class CmrCoverage {

    /** For the k-th non-null CMR: the start of its chain of exactly adjacent CMRs, and its end. */
    private final long[] starts;
    private final long[] ends;

    public CmrCoverage(List<Cmr> cmrSlots) {
        long[] s = new long[cmrSlots.size()];
        long[] e = new long[cmrSlots.size()];
        int count = 0;
        long previousStart = 0;
        long previousEnd = 0;
        for (Cmr cmr : cmrSlots) {
            if (cmr.isNull()) {
                continue;
            }
            long start = cmr.base() == previousEnd ? previousStart : cmr.base();
            s[count] = start;
            e[count] = cmr.end();
            count++;
            previousStart = start;
            previousEnd = cmr.end();
        }
        this.starts = Arrays.copyOf(s, count);
        this.ends = Arrays.copyOf(e, count);
    }

    /** {@code is_area_in_cmr(start, end)}: whether {@code [start, end)} lies in CMR memory. */
    boolean contains(long start, long end) {
        for (int k = 0; k < starts.length; k++) {
            if (Long.compareUnsigned(start, starts[k]) >= 0 && Long.compareUnsigned(end, ends[k]) <= 0) {
                return true;
            }
        }
        return false;
    }
}
