package org.tdxemu.kernel.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tdxemu.seamcall.memory.Range;

/**
 * Ranges joined wherever they touch or overlap, ascending: what a TDMR's reserved areas are once
 * neighbouring holes and PAMTs are one area each. Kept as arrays, searched by halves.
 */
final class MergedRanges {

    private final long[] starts;
    private final long[] ends;

    private MergedRanges(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    /** {@code ranges} in any order, empty ones ignored. */
    static MergedRanges of(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>();
        for (Range r : ranges) {
            if (!r.isEmpty()) {
                sorted.add(r);
            }
        }
        sorted.sort(null);
        long[] starts = new long[sorted.size()];
        long[] ends = new long[sorted.size()];
        int count = 0;
        for (Range r : sorted) {
            if (count > 0 && r.start() <= ends[count - 1]) {
                ends[count - 1] = Math.max(ends[count - 1], r.end());
            } else {
                starts[count] = r.start();
                ends[count] = r.end();
                count++;
            }
        }
        return new MergedRanges(Arrays.copyOf(starts, count), Arrays.copyOf(ends, count));
    }

    /** These and {@code more}, joined. */
    MergedRanges with(List<Range> more) {
        List<Range> all = new ArrayList<>(ranges());
        all.addAll(more);
        return of(all);
    }

    int count() {
        return starts.length;
    }

    Range get(int index) {
        return new Range(starts[index], ends[index]);
    }

    List<Range> ranges() {
        List<Range> list = new ArrayList<>(starts.length);
        for (int i = 0; i < starts.length; i++) {
            list.add(get(i));
        }
        return list;
    }

    /** How many of the ranges reach into {@code [start, end)}: the reserved areas a TDMR there needs. */
    int countWithin(long start, long end) {
        return startingBefore(end) - endingBy(start);
    }

    /** The parts of the ranges inside {@code [start, end)}, ascending. */
    List<Range> clippedTo(long start, long end) {
        List<Range> parts = new ArrayList<>();
        for (int i = endingBy(start); i < starts.length && starts[i] < end; i++) {
            parts.add(new Range(Math.max(starts[i], start), Math.min(ends[i], end)));
        }
        return parts;
    }

    /** Whether a range ends exactly at {@code address}: memory starting there touches it. */
    boolean endsAt(long address) {
        int i = endingBy(address) - 1;
        return i >= 0 && ends[i] == address;
    }

    /** Whether a range starts exactly at {@code address}: memory ending there touches it. */
    boolean startsAt(long address) {
        int i = startingBefore(address);
        return i < starts.length && starts[i] == address;
    }

    /** The number of ranges that start below {@code address}. */
    private int startingBefore(long address) {
        return below(starts, address);
    }

    /** How many of the ascending {@code values} are below {@code limit}. */
    static int below(long[] values, long limit) {
        int low = 0;
        int high = values.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (values[mid] < limit) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** The number of ranges that end at or below {@code address}. */
    private int endingBy(long address) {
        int low = 0;
        int high = ends.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (ends[mid] <= address) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
