package org.tdxemu.kernel.init;

import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.seamcall.metadata.FieldId;

/** What the Dynamic PAMT series (v6) adds to init_tdx_module() besides PAMT sizes (dynamic-pamt.md §3). */
final class DynamicPamtSeries {

    /** TDX_FEATURES0 bit 36: the module supports Dynamic PAMT. */
    static final long TDX_FEATURES0_DYNAMIC_PAMT = 1L << 36;
    /** The highest x86_phys_bits with which the series uses Dynamic PAMT. */
    static final int MAX_PHYS_BITS = 48;
    /**
     * PAMT_PAGE_BITMAP_ENTRY_BITS as the series reads it: its element-size bits say 16 where the
     * module's table says 8, which the module's lookup ignores (dynamic-pamt.md §2.1).
     */
    static final FieldId PAMT_PAGE_BITMAP_ENTRY_BITS = new FieldId(0x9100000100000013L);
    /** TDH.SYS.CONFIG's R8 bit 16: enable Dynamic PAMT. */
    static final long CONFIG_ENABLE_DYNAMIC_PAMT = 1L << 16;
    /** One refcount per 2 MiB of physical address space. */
    private static final long PAGES_PER_REFCOUNT = 512;
    private static final long REFCOUNT_BYTES = Integer.BYTES;

    private DynamicPamtSeries() {
    }

    /** tdx_supports_dynamic_pamt(): the feature bit, on a host that allows it (§3.1). */
    static boolean uses(long tdxFeatures0, HostConfig host) {
        return (tdxFeatures0 & TDX_FEATURES0_DYNAMIC_PAMT) != 0 && hostAllows(host);
    }

    /** An address width that leaves the KeyID bits starting at bit 48 or below. */
    static boolean hostAllows(HostConfig host) {
        return host.x86PhysBits() <= MAX_PHYS_BITS;
    }

    /** The refcount array's size: {@code DIV_ROUND_UP(max_pfn, 512) * 4} bytes (§3.4). */
    static long refcountBytes(HostConfig host) {
        return (host.maxPfn() + PAGES_PER_REFCOUNT - 1) / PAGES_PER_REFCOUNT * REFCOUNT_BYTES;
    }
}
