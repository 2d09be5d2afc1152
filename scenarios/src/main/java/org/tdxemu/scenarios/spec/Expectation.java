package org.tdxemu.scenarios.spec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.tdxemu.kernel.Errno;

/**
 * The "expect" object of a scenario: what must come out. An absent key is not checked;
 * {@code "errno": null} expects that the kernel returned no error. Every {@code log} line must
 * appear in the kernel log, in the order given.
 */
public record Expectation(Optional<Outcome> outcome, Optional<Optional<Errno>> errno, OptionalLong pamtKb,
                          OptionalInt tdmrs, List<String> log) {

    public enum Outcome {
        INITIALIZED("initialized"), FAILED("failed");

        private final String word;

        Outcome(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public Expectation {
        log = List.copyOf(log);
    }
}
