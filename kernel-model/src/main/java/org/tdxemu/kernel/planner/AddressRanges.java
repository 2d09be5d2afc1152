package org.tdxemu.kernel.planner;

import java.util.List;
import org.tdxemu.seamcall.memory.Range;

/** Ascending, non-overlapping address ranges, kept as arrays so the planner can walk them cheaply. */
public final class AddressRanges {

    private final long[] starts;
    private final long[] ends;

    private AddressRanges(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    /** @throws IllegalArgumentException if the ranges are empty, unsorted or overlap */
    public static AddressRanges of(List<Range> ranges) {
        long[] starts = new long[ranges.size()];
        long[] ends = new long[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            if (r.isEmpty() || (i > 0 && Long.compareUnsigned(r.start(), ends[i - 1]) < 0)) {
                throw new IllegalArgumentException("range " + r + " is empty, unsorted or overlaps its predecessor");
            }
            starts[i] = r.start();
            ends[i] = r.end();
        }
        return new AddressRanges(starts, ends);
    }

    public int count() {
        return starts.length;
    }

    public long start(int index) {
        return starts[index];
    }

    public long end(int index) {
        return ends[index];
    }
}
