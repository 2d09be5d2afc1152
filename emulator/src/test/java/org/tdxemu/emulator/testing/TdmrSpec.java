package org.tdxemu.emulator.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.memory.PhysicalMemory;

/**
 * One TDMR_INFO entry for a test to write into host memory: raw values, so that a test can write
 * any invalid entry as well as a valid one. {@code reserved} holds the reserved-area slots from
 * slot 0; the slots after it are written as nulls.
 *
 * @param pamts    the PAMTs indexed by {@link PageSize#code()}: 4K, 2M, 1G
 * @param reserved reserved-area slots as (offset from the base, size); a size of 0 is a null slot
 */
public record TdmrSpec(long base, long size, List<Area> pamts, List<Area> reserved) {

    /** The PAMT entry size of every real module release. */
    public static final int PAMT_ENTRY_SIZE = 16;

    /** A PAMT (start is its physical address) or a reserved area (start is its offset from the TDMR base). */
    public record Area(long start, long size) {
        public long end() {
            return start + size;
        }
    }

    public TdmrSpec {
        pamts = List.copyOf(pamts);
        reserved = List.copyOf(reserved);
        if (pamts.size() != PageSize.values().length) {
            throw new IllegalArgumentException("one PAMT per page size, 4K, 2M, 1G: " + pamts);
        }
        if (reserved.size() > TdmrInfo.MODULE_RESERVED_AREAS) {
            throw new IllegalArgumentException("at most " + TdmrInfo.MODULE_RESERVED_AREAS + " reserved slots: "
                    + reserved.size());
        }
    }

    /** A TDMR with all-zero PAMT fields and no reserved area. */
    public static TdmrSpec of(long base, long size) {
        Area none = new Area(0, 0);
        return new TdmrSpec(base, size, List.of(none, none, none), List.of());
    }

    public long end() {
        return base + size;
    }

    public Area pamt(PageSize pageSize) {
        return pamts.get(pageSize.code());
    }

    public TdmrSpec withBase(long newBase) {
        return new TdmrSpec(newBase, size, pamts, reserved);
    }

    public TdmrSpec withSize(long newSize) {
        return new TdmrSpec(base, newSize, pamts, reserved);
    }

    public TdmrSpec withPamt(PageSize pageSize, long pamtBase, long pamtSize) {
        List<Area> changed = new ArrayList<>(pamts);
        changed.set(pageSize.code(), new Area(pamtBase, pamtSize));
        return new TdmrSpec(base, size, changed, reserved);
    }

    /** The smallest valid PAMT for a TDMR of {@code tdmrSize}: one entry per page, rounded up to 4K. */
    public static long minimumPamtSize(long tdmrSize, PageSize pageSize, int entrySize) {
        long bytes = (tdmrSize >>> pageSize.shift()) * entrySize;
        long page = PageSize.SIZE_4K.bytes();
        return (bytes + page - 1) / page * page;
    }

    /** Minimum-size PAMTs of 16-byte entries back to back from {@code pa}: 4K, then 2M, then 1G, as Linux lays them. */
    public TdmrSpec withPamtsAt(long pa) {
        return withPamtsAt(pa, PAMT_ENTRY_SIZE);
    }

    public TdmrSpec withPamtsAt(long pa, int entrySize) {
        TdmrSpec spec = this;
        long cursor = pa;
        for (PageSize ps : PageSize.values()) {
            long pamtSize = minimumPamtSize(size, ps, entrySize);
            spec = spec.withPamt(ps, cursor, pamtSize);
            cursor += pamtSize;
        }
        return spec;
    }

    /**
     * {@link #withPamtsAt(long)}, the 4K PAMT a Dynamic PAMT bitmap of one bit per 4 KiB page
     * (dynamic-pamt.md §2.3), the 2M and 1G PAMTs after it.
     */
    public TdmrSpec withBitmapPamtsAt(long pa) {
        long bitmap = (size >>> PageSize.SIZE_4K.shift()) / Byte.SIZE;
        long pamt2m = minimumPamtSize(size, PageSize.SIZE_2M, PAMT_ENTRY_SIZE);
        return withPamt(PageSize.SIZE_4K, pa, bitmap).withPamt(PageSize.SIZE_2M, pa + bitmap, pamt2m)
                .withPamt(PageSize.SIZE_1G, pa + bitmap + pamt2m, minimumPamtSize(size, PageSize.SIZE_1G,
                        PAMT_ENTRY_SIZE));
    }

    /** The end of the PAMT that ends last: where the next TDMR's PAMTs can start. */
    public long pamtEnd() {
        long end = 0;
        for (Area pamt : pamts) {
            end = Math.max(end, pamt.end());
        }
        return end;
    }

    /** The bytes of all three PAMTs. */
    public long pamtBytes() {
        return pamts.stream().mapToLong(Area::size).sum();
    }

    /** Appends a reserved area in the next slot. */
    public TdmrSpec withReserved(long offset, long areaSize) {
        List<Area> changed = new ArrayList<>(reserved);
        changed.add(new Area(offset, areaSize));
        return new TdmrSpec(base, size, pamts, changed);
    }

    /** Sets reserved slot {@code slot}, filling the slots before it that are not set yet with nulls. */
    public TdmrSpec withReservedSlot(int slot, long offset, long areaSize) {
        List<Area> changed = new ArrayList<>(reserved);
        if (changed.size() <= slot) {
            changed.addAll(Collections.nCopies(slot + 1 - changed.size(), new Area(0, 0)));
        }
        changed.set(slot, new Area(offset, areaSize));
        return new TdmrSpec(base, size, pamts, changed);
    }

    /** Writes the whole 320-byte entry, every reserved slot included, at {@code pa}. */
    public void writeTo(PhysicalMemory memory, long pa) {
        TdmrInfo info = TdmrInfo.at(memory, pa).base(base).size(size);
        for (PageSize ps : PageSize.values()) {
            info.pamtBase(ps, pamt(ps).start()).pamtSize(ps, pamt(ps).size());
        }
        for (int j = 0; j < TdmrInfo.MODULE_RESERVED_AREAS; j++) {
            Area area = j < reserved.size() ? reserved.get(j) : new Area(0, 0);
            info.reservedArea(j, area.start(), area.size());
        }
    }
}
