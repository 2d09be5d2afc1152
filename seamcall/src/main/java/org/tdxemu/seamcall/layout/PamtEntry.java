package org.tdxemu.seamcall.layout;

import java.util.Optional;
import org.tdxemu.seamcall.memory.PhysicalMemory;

/** A view of one 16-byte PAMT entry (module-abi.md §5.5). */
public final class PamtEntry {

    public static final int LOCK = 0;
    public static final int PAGE_TYPE = 2;
    /** A 40-bit page-frame number: the owner's PA >> 12. */
    public static final int OWNER = 3;
    public static final int OWNER_BYTES = 5;
    public static final int BEPOCH = 8;
    public static final int BYTES = 16;

    private final PhysicalMemory memory;
    private final long pa;

    private PamtEntry(PhysicalMemory memory, long pa) {
        this.memory = memory;
        this.pa = pa;
    }

    public static PamtEntry at(PhysicalMemory memory, long pa) {
        return new PamtEntry(memory, pa);
    }

    public long address() {
        return pa;
    }

    public int lock() {
        return memory.read16(pa + LOCK);
    }

    public int pageTypeCode() {
        return memory.read8(pa + PAGE_TYPE);
    }

    public Optional<PageType> pageType() {
        return PageType.ofCode(pageTypeCode());
    }

    public PamtEntry pageType(PageType type) {
        memory.write8(pa + PAGE_TYPE, type.code());
        return this;
    }

    public long ownerPfn() {
        return memory.read32(pa + OWNER) | (long) memory.read8(pa + OWNER + 4) << 32;
    }

    public PamtEntry ownerPfn(long pfn) {
        if (pfn >>> (OWNER_BYTES * 8) != 0) {
            throw new IllegalArgumentException(String.format("owner PFN wider than 40 bits: 0x%x", pfn));
        }
        memory.write32(pa + OWNER, pfn);
        memory.write8(pa + OWNER + 4, (int) (pfn >>> 32));
        return this;
    }

    public long bepoch() {
        return memory.read64(pa + BEPOCH);
    }

    public PamtEntry bepoch(long value) {
        memory.write64(pa + BEPOCH, value);
        return this;
    }
}
