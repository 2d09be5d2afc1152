package org.tdxemu.scenarios.cli;

import org.tdxemu.scenarios.spec.ScenarioException;

/** What {@code --threads N} asks for, checked once for every command that takes it. */
final class Threads {

    /** More threads than this is a typo, not a machine. */
    static final int MAX = 1024;

    private Threads() {
    }

    /** {@code requested}, or one per core when it is null; out of range is bad input. */
    static int count(Integer requested) {
        if (requested == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        if (requested < 1 || requested > MAX) {
            throw new ScenarioException("--threads: " + requested + " is out of range: expected 1 to " + MAX);
        }
        return requested;
    }
}
