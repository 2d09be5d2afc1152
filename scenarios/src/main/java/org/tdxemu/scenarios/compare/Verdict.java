package org.tdxemu.scenarios.compare;

import org.tdxemu.kernel.Errno;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.StatusCode;

/** What the emulated module made of a planner's plan: its answer to TDH.SYS.CONFIG, or why it was never asked. */
public sealed interface Verdict {

    /** Whether TDH.SYS.CONFIG took the plan. */
    default boolean accepted() {
        return this instanceof Answered answered && answered.status() == StatusCode.TDX_SUCCESS.value();
    }

    /** For people: {@code accepted}, the status CONFIG returned, or why there was no CONFIG. */
    String words();

    /** TDH.SYS.CONFIG returned {@code status}. */
    record Answered(long status) implements Verdict {
        @Override
        public String words() {
            return accepted() ? "accepted" : DecodedStatus.of(status).summary();
        }
    }

    /** The planner made no plan. */
    record NoPlan() implements Verdict {
        @Override
        public String words() {
            return "no plan";
        }
    }

    /** The kernel returned -{@code errno} before it got to TDH.SYS.CONFIG, for a reason that is not the plan. */
    record NotAsked(Errno errno) implements Verdict {
        @Override
        public String words() {
            return "not asked: " + errno.name() + " before TDH.SYS.CONFIG";
        }
    }
}
