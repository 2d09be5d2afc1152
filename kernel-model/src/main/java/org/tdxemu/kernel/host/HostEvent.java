package org.tdxemu.kernel.host;

import org.tdxemu.seamcall.memory.Range;

/** Something the host kernel did on the TDX paths that is not a SEAMCALL. */
public sealed interface HostEvent {

    /** Memory handed to the kernel (kmalloc, alloc_pages_exact, alloc_contig_pages, alloc_contig_range). */
    record Allocated(AllocationPurpose purpose, Range range) implements HostEvent {
    }

    /** Memory given back (kfree, free_pages_exact, free_contig_range). */
    record Freed(AllocationPurpose purpose, Range range) implements HostEvent {
    }

    /** wbinvd_on_all_cpus(): every CPU wrote back and invalidated its caches. */
    record WbinvdOnAllCpus() implements HostEvent {
    }

    /** WBINVD on one CPU, whose caches were flagged incoherent by a SEAMCALL. */
    record Wbinvd(int cpu) implements HostEvent {
    }

    /** A CPU's VMX reference taken: the first one turns VMX operation on (VMXON). */
    record VmxReferenceTaken(int cpu) implements HostEvent {
    }

    /** A CPU's VMX reference given back: the last one turns VMX operation off (VMXOFF). */
    record VmxReferenceDropped(int cpu) implements HostEvent {
    }

    /** A range zeroed with MOVDIR64B, 64 bytes at a time, which turns TDX private lines back into normal memory. */
    record Movdir64bZeroed(Range range) implements HostEvent {
    }

    /** get_online_mems(): the memory-hotplug read lock taken. */
    record GetOnlineMems() implements HostEvent {
    }

    /** put_online_mems(): the memory-hotplug read lock dropped. */
    record PutOnlineMems() implements HostEvent {
    }
}
