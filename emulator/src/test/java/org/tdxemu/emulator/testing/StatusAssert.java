package org.tdxemu.emulator.testing;

import org.tdxemu.seamcall.status.DecodedStatus;

/** Status comparisons whose failure message says both statuses in words. */
public final class StatusAssert {

    private StatusAssert() {
    }

    public static void assertStatus(long expected, long actual) {
        assertStatus(expected, actual, "");
    }

    public static void assertStatus(long expected, long actual, String context) {
        if (expected != actual) {
            throw new AssertionError((context.isEmpty() ? "" : context + ": ") + String.format(
                    "expected 0x%016x (%s) but got 0x%016x (%s)", expected, DecodedStatus.of(expected).summary(),
                    actual, DecodedStatus.of(actual).summary()));
        }
    }
}
