package org.tdxemu.seamcall.register;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The general-purpose registers of one SEAMCALL. The caller fills the inputs (RAX selects the
 * leaf); the callee leaves the status in RAX and its outputs in the registers it writes, and every
 * register it does not write comes back as it went in.
 */
public final class RegisterFile {

    private final long[] values = new long[Gpr.values().length];

    public long get(Gpr register) {
        return values[register.ordinal()];
    }

    public RegisterFile set(Gpr register, long value) {
        values[register.ordinal()] = value;
        return this;
    }

    public long rax() {
        return get(Gpr.RAX);
    }

    public long rcx() {
        return get(Gpr.RCX);
    }

    public long rdx() {
        return get(Gpr.RDX);
    }

    public long r8() {
        return get(Gpr.R8);
    }

    public long r9() {
        return get(Gpr.R9);
    }

    public long r10() {
        return get(Gpr.R10);
    }

    public long r11() {
        return get(Gpr.R11);
    }

    /** An independent copy, e.g. to compare what a call changed. */
    public RegisterFile copy() {
        RegisterFile copy = new RegisterFile();
        System.arraycopy(values, 0, copy.values, 0, values.length);
        return copy;
    }

    /** Overwrites every register with {@code other}'s value. */
    public void restoreFrom(RegisterFile other) {
        System.arraycopy(other.values, 0, values, 0, values.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisterFile other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** The non-zero registers, e.g. {@code {rax=0x2d, rcx=0x10000000, rdx=0x2}}. */
    @Override
    public String toString() {
        StringJoiner joiner = new StringJoiner(", ", "{", "}");
        for (Gpr r : Gpr.values()) {
            if (get(r) != 0) {
                joiner.add(r.lowerCaseName() + "=0x" + Long.toHexString(get(r)));
            }
        }
        return joiner.toString();
    }
}
