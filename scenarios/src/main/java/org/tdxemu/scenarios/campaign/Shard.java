package org.tdxemu.scenarios.campaign;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard {@code index} of {@code count}: every {@code count}-th run of a fault campaign, from run
 * {@code index − 1} (runs count from 0 in the campaign's order, shards from 1). Dealt round the
 * shards one run at a time, a TDMR's expensive last TDH.SYS.TDMR.INIT spreads its statuses over all
 * of them, and every machine that runs a shard gets about the same work.
 */
public record Shard(int index, int count) implements RunSelection {

    /** The whole campaign. */
    public static final Shard WHOLE = new Shard(1, 1);

    private static final Pattern K_OF_N = Pattern.compile("(\\d{1,9})/(\\d{1,9})");

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + ": shards count from 1 to N");
        }
    }

    /**
     * {@code K/N}, as {@code --shard} takes it.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Shard parse(String text) {
        Matcher m = K_OF_N.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\": expected K/N, shard K of N, e.g. 1/4");
        }
        int index = Integer.parseInt(m.group(1));
        int count = Integer.parseInt(m.group(2));
        if (count < 1) {
            throw new IllegalArgumentException("\"" + text + "\": N, the number of shards, must be 1 or more");
        }
        if (index < 1 || index > count) {
            throw new IllegalArgumentException("\"" + text + "\": K must be 1 to " + count);
        }
        return new Shard(index, count);
    }

    /** Whether run {@code run} (from 0, in the campaign's order) is this shard's. */
    @Override
    public boolean chooses(int run, int runs) {
        return run % count == index - 1;
    }

    /** The campaign's number for this shard's {@code n}-th run (both from 0). */
    public int run(int n) {
        return n * count + index - 1;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
