package org.tdxemu.kernel.host;

/** What the kernel allocates memory for on the TDX paths, so that events and faults can name it. */
public enum AllocationPurpose {
    /** One contiguous chunk per TDMR holding its 4K, 2M and 1G PAMTs (alloc_contig_pages, or alloc_contig_range). */
    PAMT,
    /** The TDMR_INFO entries, back to back (alloc_pages_exact). */
    TDMR_LIST,
    /** The array of TDMR_INFO addresses TDH.SYS.CONFIG takes (kzalloc). */
    TDMR_PA_ARRAY,
    /** One {@code struct tdx_memblock} of the TDX memory list (kmalloc). */
    TDX_MEMBLOCK,
    /** The cpumask of packages whose key is configured (zalloc_cpumask_var). */
    PACKAGE_CPUMASK,
    /** Dynamic PAMT's refcount of each 2 MiB of physical address space (vmalloc). */
    PAMT_REFCOUNTS,
    /** Static data of the kernel image that the module reads or writes (v7: TDSYSINFO_STRUCT, CMR_INFO). */
    KERNEL_STATIC
}
