package org.tdxemu.kernel.host;

import org.tdxemu.seamcall.memory.Range;

/** Memory the kernel holds: the bytes it asked for, at the address it got, and why. */
public record Allocation(Range range, AllocationPurpose purpose) {
}
