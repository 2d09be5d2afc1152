package org.tdxemu.scenarios.picture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import org.tdxemu.seamcall.memory.Range;

/**
 * The picture's x axis: a piecewise scale over physical addresses. A host's layout spans 2^20 to
 * 2^46 bytes with 4 KiB holes, so a linear axis would draw most of it as nothing. Every address
 * the picture draws is a boundary; the stretch between two neighbouring boundaries gets at least
 * {@link #MIN_STRETCH} pixels and a share of the rest that grows with the logarithm of its length,
 * so a 4 KiB hole stays visible next to 8 TiB of RAM. Boundaries fall on whole pixels, so that
 * neighbouring regions meet without a blurred seam. A stretch drawn narrower than a linear axis
 * of the same width would draw it is <em>compressed</em>, and the picture marks it.
 */
public final class AddressAxis {

    /** The narrowest a stretch is drawn, in pixels: room for the rotated address label at each end. */
    public static final double MIN_STRETCH = 14;

    /** Each stretch's share of the width beyond the minimum is at least this many pixels per stretch. */
    private static final double MIN_SHARE = 8;

    private static final double PAGE = 4096;

    private final long[] boundaries;
    private final double[] xs;

    /** One stretch between two neighbouring boundaries, where it is drawn, and whether it is compressed. */
    public record Stretch(Range range, double x0, double x1, boolean compressed) {
        public double width() {
            return x1 - x0;
        }
    }

    /**
     * An axis from the lowest to the highest of {@code boundaries} (at least two), starting at
     * {@code left} and about {@code width} pixels wide; wider when there are more stretches than
     * fit at their minimum.
     */
    public AddressAxis(SortedSet<Long> boundaries, double left, double width) {
        if (boundaries.size() < 2) {
            throw new IllegalArgumentException("an axis needs two boundaries, got " + boundaries);
        }
        this.boundaries = boundaries.stream().mapToLong(Long::longValue).toArray();
        int stretches = this.boundaries.length - 1;
        double[] weights = new double[stretches];
        double totalWeight = 0;
        for (int i = 0; i < stretches; i++) {
            weights[i] = 1 + Math.max(0, Math.log((this.boundaries[i + 1] - this.boundaries[i]) / PAGE) / Math.log(2));
            totalWeight += weights[i];
        }
        double share = Math.max(width - stretches * MIN_STRETCH, stretches * MIN_SHARE);
        this.xs = new double[this.boundaries.length];
        xs[0] = Math.round(left);
        for (int i = 0; i < stretches; i++) {
            xs[i + 1] = xs[i] + MIN_STRETCH + Math.round(share * weights[i] / totalWeight);
        }
    }

    public long start() {
        return boundaries[0];
    }

    public long end() {
        return boundaries[boundaries.length - 1];
    }

    public double left() {
        return xs[0];
    }

    public double right() {
        return xs[xs.length - 1];
    }

    /** The boundaries, ascending. */
    public List<Long> boundaries() {
        return Arrays.stream(boundaries).boxed().toList();
    }

    /**
     * Where {@code address} is drawn: exactly at its boundary, or in proportion inside its stretch.
     *
     * @throws IllegalArgumentException for an address off the axis
     */
    public double x(long address) {
        if (address < start() || address > end()) {
            throw new IllegalArgumentException(String.format("0x%x is off the axis [0x%x, 0x%x]", address, start(), end()));
        }
        int at = Arrays.binarySearch(boundaries, address);
        if (at >= 0) {
            return xs[at];
        }
        int i = -at - 2;
        double fraction = (double) (address - boundaries[i]) / (boundaries[i + 1] - boundaries[i]);
        return xs[i] + fraction * (xs[i + 1] - xs[i]);
    }

    /** The stretches from left to right. */
    public List<Stretch> stretches() {
        double linear = (right() - left()) / (double) (end() - start());
        List<Stretch> stretches = new ArrayList<>();
        for (int i = 0; i + 1 < boundaries.length; i++) {
            double drawn = xs[i + 1] - xs[i];
            stretches.add(new Stretch(new Range(boundaries[i], boundaries[i + 1]), xs[i], xs[i + 1],
                    drawn < (boundaries[i + 1] - boundaries[i]) * linear));
        }
        return stretches;
    }
}
