package org.tdxemu.scenarios.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.init.InitResult;
import org.tdxemu.scenarios.spec.Expectation;

/** Checks a run against a scenario's "expect" object, and says in words what did not hold. */
final class Expectations {

    private Expectations() {
    }

    static List<String> failures(Expectation expect, InitResult result) {
        List<String> failures = new ArrayList<>();
        boolean initialized = result instanceof InitResult.Initialized;
        Optional<Errno> errno = result instanceof InitResult.Failed f ? Optional.of(f.errno()) : Optional.empty();
        expect.outcome().ifPresent(outcome -> {
            boolean wantsInitialized = outcome == Expectation.Outcome.INITIALIZED;
            if (wantsInitialized != initialized) {
                failures.add("outcome: expected " + outcome.word() + ", got "
                        + (initialized ? "initialized" : "failed (" + errno.map(Enum::name).orElse("") + ")"));
            }
        });
        expect.errno().ifPresent(wanted -> {
            if (!wanted.equals(errno)) {
                failures.add("errno: expected " + wanted.map(Enum::name).orElse("null") + ", got "
                        + errno.map(Enum::name).orElse("null"));
            }
        });
        expect.pamtKb().ifPresent(kb -> {
            if (kb != result.pamtKb()) {
                failures.add("pamtKb: expected " + kb + ", got " + result.pamtKb());
            }
        });
        expect.tdmrs().ifPresent(count -> {
            int actual = result.tdmrPlan().map(p -> p.tdmrs().size()).orElse(0);
            if (count != actual) {
                failures.add("tdmrs: expected " + count + ", got " + actual);
            }
        });
        int from = 0;
        for (String line : expect.log()) {
            int at = indexOf(result.log(), line, from);
            if (at < 0) {
                failures.add("log: expected line not found" + (from > 0 ? " after the lines before it" : "")
                        + ": " + line);
            } else {
                from = at + 1;
            }
        }
        return failures;
    }

    private static int indexOf(List<String> log, String line, int from) {
        for (int i = from; i < log.size(); i++) {
            if (log.get(i).equals(line)) {
                return i;
            }
        }
        return -1;
    }
}
