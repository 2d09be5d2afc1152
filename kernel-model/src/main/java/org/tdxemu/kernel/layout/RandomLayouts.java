package org.tdxemu.kernel.layout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Layout specs drawn at random, the same for the same seed: a whole number of GiB from 256 GiB to
 * 64 TiB (log-uniform), 1 to 8 nodes, as many regions as nodes up to 1024 (log-uniform), and one
 * of the hole patterns. What {@code tdxemu planners --random} compares the planners on.
 */
public final class RandomLayouts {

    private static final int DOUBLINGS_OF_THE_LEAST_TOTAL = 8;

    private RandomLayouts() {
    }

    /** The first {@code count} specs {@code seed} draws. */
    public static List<LayoutSpec> draw(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LayoutSpec> specs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double doublings = random.nextDouble() * DOUBLINGS_OF_THE_LEAST_TOTAL;
            long gib = Math.min(LayoutSpec.MAX_TOTAL_BYTES / LayoutSpec.GIB,
                    Math.round(LayoutSpec.MIN_TOTAL_BYTES / LayoutSpec.GIB * Math.pow(2, doublings)));
            int nodes = random.nextInt(1, LayoutSpec.MAX_NODES + 1);
            double spread = Math.log(LayoutSpec.MAX_REGIONS) - Math.log(nodes);
            int regions = (int) Math.min(LayoutSpec.MAX_REGIONS, Math.round(nodes * Math.exp(random.nextDouble() * spread)));
            HolePattern holes = HolePattern.values()[random.nextInt(HolePattern.values().length)];
            specs.add(new LayoutSpec(gib * LayoutSpec.GIB, nodes, regions, holes));
        }
        return specs;
    }
}
