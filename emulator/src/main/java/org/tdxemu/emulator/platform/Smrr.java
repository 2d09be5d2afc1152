package org.tdxemu.emulator.platform;

import org.tdxemu.seamcall.layout.PageSize;

/**
 * One SMM range register. TDH.SYS.INIT requires every SMRR to be locked, to have a valid
 * base/mask pair (a power-of-two size of at least 4 KiB, base aligned to it) and to stay clear of
 * every CMR (module-abi.md §4.1).
 */
public record Smrr(long base, long size, boolean locked) {

    public boolean hasValidMask() {
        return size >= PageSize.SIZE_4K.bytes() && Long.bitCount(size) == 1 && (base & (size - 1)) == 0;
    }
}
