package org.tdxemu.scenarios.campaign;

/** Which runs of a fault campaign to make, by their number in the campaign's order. */
@FunctionalInterface
public interface RunSelection {

    /** Every run. */
    RunSelection EVERY_RUN = (run, runs) -> true;

    /** Whether to make run {@code run} (from 0) of the campaign's {@code runs}. */
    boolean chooses(int run, int runs);
}
