package org.tdxemu.kernel.planner;

/** A range inside a TDMR the module must not use: {@code offset} from the TDMR's base, {@code size} bytes. */
public record ReservedArea(long offset, long size) {

    public long end() {
        return offset + size;
    }
}
