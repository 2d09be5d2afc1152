package org.tdxemu.kernel.layout;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link Layouts#generate} builds: {@code totalBytes} of RAM in {@code regions} memblock
 * regions on {@code nodes} NUMA nodes, broken up by {@code holes}.
 *
 * @param totalBytes the RAM, a whole number of GiB from 256 GiB to 64 TiB
 * @param nodes NUMA nodes, 1 to 8; each is one package and holds at least one region
 * @param regions memblock regions, 1 to 1024, at least one per node
 */
public record LayoutSpec(long totalBytes, int nodes, int regions, HolePattern holes) {

    public static final long GIB = 1L << 30;
    public static final long TIB = 1L << 40;
    public static final long MIN_TOTAL_BYTES = 256 * GIB;
    public static final long MAX_TOTAL_BYTES = 64 * TIB;
    public static final int MAX_NODES = 8;
    public static final int MAX_REGIONS = 1024;

    private static final Pattern NAME = Pattern.compile("(\\d+)([GT])-(\\d+)n-(\\d+)r-([a-z-]+)");

    public LayoutSpec {
        if (totalBytes < MIN_TOTAL_BYTES || totalBytes > MAX_TOTAL_BYTES || totalBytes % GIB != 0) {
            throw new IllegalArgumentException("total memory must be a whole number of GiB from 256 GiB to 64 TiB: "
                    + totalBytes);
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("nodes must be 1 to " + MAX_NODES + ": " + nodes);
        }
        if (regions < nodes || regions > MAX_REGIONS) {
            throw new IllegalArgumentException("regions must be " + nodes + " (one per node) to " + MAX_REGIONS + ": "
                    + regions);
        }
        if (holes == null) {
            throw new IllegalArgumentException("no hole pattern");
        }
    }

    /** {@code 2T-8n-64r-none}: the total in the largest whole binary unit, then nodes, regions, holes. */
    public String name() {
        String total = totalBytes % TIB == 0 ? totalBytes / TIB + "T" : totalBytes / GIB + "G";
        return total + "-" + nodes + "n-" + regions + "r-" + holes.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The spec {@link #name()} names.
     *
     * @throws IllegalArgumentException if {@code name} is not such a name, or names an invalid spec
     */
    public static LayoutSpec parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a layout name like 2T-8n-64r-none: " + name);
        }
        long total;
        HolePattern holes;
        try {
            total = Math.multiplyExact(Long.parseLong(m.group(1)), m.group(2).equals("T") ? TIB : GIB);
            holes = HolePattern.valueOf(m.group(5).replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a layout name like 2T-8n-64r-none: " + name, e);
        }
        return new LayoutSpec(total, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), holes);
    }
}
