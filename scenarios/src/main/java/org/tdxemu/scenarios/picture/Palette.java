package org.tdxemu.scenarios.picture;

import java.util.List;
import java.util.Locale;

/**
 * The picture's colours. TDMRs take strong colours and NUMA nodes pale ones, so that a TDMR never
 * shares a colour with RAM; red is kept for what went wrong. Past the end of a list the colours
 * repeat, and the labels tell the TDMRs apart.
 */
public final class Palette {

    /** One colour per TDMR, by index. */
    static final List<String> TDMRS = List.of("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2",
            "#9c755f", "#ff9da7", "#bcbd22", "#17becf");

    /** One colour per NUMA node, by node number. */
    static final List<String> NODES = List.of("#cfe3d4", "#f6dcc5", "#d5dcee", "#f2d5e8", "#e3efcf", "#f7efc0",
            "#e8e0d2", "#dcdcdc");

    static final String HOLE = "#f4f4f4";
    static final String HOLE_STRIPES = "#b8b8b8";
    static final String IN_USE = "#7a6f5c";
    static final String CMR = "#5f7080";
    static final String RESERVED_HOLE = "#555555";
    static final String TROUBLE = "#d62728";
    static final String INK = "#222222";
    static final String FAINT = "#e2e2e2";

    /** How far toward white the 2M and the 1G PAMT are drawn from their TDMR's colour. */
    private static final double PAMT_2M_LIGHTER = 0.45;
    private static final double PAMT_1G_LIGHTER = 0.7;

    private Palette() {
    }

    public static String tdmr(int index) {
        return TDMRS.get(index % TDMRS.size());
    }

    public static String node(int node) {
        return NODES.get(node % NODES.size());
    }

    /** The colours of TDMR {@code index}'s 4K, 2M and 1G PAMT, in that order. */
    public static List<String> pamt(int index) {
        String colour = tdmr(index);
        return List.of(colour, towardWhite(colour, PAMT_2M_LIGHTER), towardWhite(colour, PAMT_1G_LIGHTER));
    }

    /** Dark text on a light colour, white text on a dark one. */
    static String textOn(String colour) {
        int[] rgb = rgb(colour);
        double luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
        return luminance > 150 ? INK : "#ffffff";
    }

    /** {@code #rrggbb} as red, green and blue, 0 to 255. */
    public static int[] rgb(String colour) {
        int value = Integer.parseInt(colour.substring(1), 16);
        return new int[] {value >> 16 & 0xff, value >> 8 & 0xff, value & 0xff};
    }

    private static String towardWhite(String colour, double fraction) {
        int[] rgb = rgb(colour);
        StringBuilder mixed = new StringBuilder("#");
        for (int channel : rgb) {
            mixed.append(String.format(Locale.ROOT, "%02x", (int) Math.round(channel + (255 - channel) * fraction)));
        }
        return mixed.toString();
    }
}
