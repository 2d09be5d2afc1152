package org.tdxemu.kernel.host;

import java.util.OptionalLong;

/** The allocations the TDX paths make besides PAMTs and whole-page buffers: kmalloc() and kfree(). */
public interface KernelAllocator extends ContigRangeAllocator {

    /** kmalloc(): not zeroed. */
    OptionalLong kmalloc(long bytes, AllocationPurpose purpose);

    /** kfree() of what {@link #kmalloc} handed out; returns what it was. */
    Allocation kfree(long pa);
}
