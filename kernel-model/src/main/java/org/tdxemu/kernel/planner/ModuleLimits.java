package org.tdxemu.kernel.planner;

import java.util.OptionalInt;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;

/**
 * The module's TDMR limits, read once from the module and passed to whoever needs them
 * (kernel-init.md §2.5, {@code struct tdx_sys_info_tdmr}): every value is the u16 the kernel keeps.
 *
 * <p>The kernel trusts these values; the model checks them where they enter
 * ({@link #supportedByKernel()}), because a TDMR_INFO larger than a page or zero TDMRs would make
 * the kernel write outside the buffer it allocates.
 *
 * @param pamtPageBitmapEntryBits with the Dynamic PAMT series, the u8 {@code
 *                                pamt_page_bitmap_entry_bits}: present when the 4K PAMT level is a
 *                                bitmap of that many bits per 4 KiB page (dynamic-pamt.md §3.3);
 *                                empty for the static 4K PAMT
 */
public record ModuleLimits(int maxTdmrs, int maxReservedPerTdmr, int pamt4kEntrySize, int pamt2mEntrySize,
                           int pamt1gEntrySize, OptionalInt pamtPageBitmapEntryBits) {

    private static final int U16_MAX = 0xFFFF;
    private static final int U8_MAX = 0xFF;

    /** What every TDX module reports so far: 64 TDMRs of 16 reserved areas, 16-byte PAMT entries. */
    public static final ModuleLimits DEFAULT = uniform(64, 16, 16);

    public ModuleLimits {
        for (int value : new int[] {maxTdmrs, maxReservedPerTdmr, pamt4kEntrySize, pamt2mEntrySize, pamt1gEntrySize}) {
            if (value < 0 || value > U16_MAX) {
                throw new IllegalArgumentException("module limits are u16 values: " + value);
            }
        }
        if (pamtPageBitmapEntryBits.isPresent()
                && (pamtPageBitmapEntryBits.getAsInt() < 0 || pamtPageBitmapEntryBits.getAsInt() > U8_MAX)) {
            throw new IllegalArgumentException("the PAMT bitmap's bits per page are a u8 value: "
                    + pamtPageBitmapEntryBits.getAsInt());
        }
    }

    /** Limits with the static 4K PAMT. */
    public ModuleLimits(int maxTdmrs, int maxReservedPerTdmr, int pamt4kEntrySize, int pamt2mEntrySize,
                        int pamt1gEntrySize) {
        this(maxTdmrs, maxReservedPerTdmr, pamt4kEntrySize, pamt2mEntrySize, pamt1gEntrySize, OptionalInt.empty());
    }

    /** One entry size for all three PAMTs, as TDSYSINFO_STRUCT reports it (v7). */
    public static ModuleLimits uniform(int maxTdmrs, int maxReservedPerTdmr, int pamtEntrySize) {
        return new ModuleLimits(maxTdmrs, maxReservedPerTdmr, pamtEntrySize, pamtEntrySize, pamtEntrySize);
    }

    /** The same limits, the 4K PAMT a Dynamic PAMT bitmap of {@code bits} bits per page. */
    public ModuleLimits withPamtPageBitmap(int bits) {
        return new ModuleLimits(maxTdmrs, maxReservedPerTdmr, pamt4kEntrySize, pamt2mEntrySize, pamt1gEntrySize,
                OptionalInt.of(bits));
    }

    /** The same limits with the static 4K PAMT. */
    public ModuleLimits withStaticPamt() {
        return new ModuleLimits(maxTdmrs, maxReservedPerTdmr, pamt4kEntrySize, pamt2mEntrySize, pamt1gEntrySize);
    }

    /**
     * tdmr_get_pamt_sz(): one entry per page of the size, the table rounded up to a page; with
     * Dynamic PAMT the 4K level is {@code PAGE_ALIGN(DIV_ROUND_UP(pages * bits, 8))} bytes.
     */
    public long pamtBytes(long tdmrSize, PageSize pageSize) {
        long pages = tdmrSize >>> pageSize.shift();
        if (pageSize == PageSize.SIZE_4K && pamtPageBitmapEntryBits.isPresent()) {
            long bits = pages * pamtPageBitmapEntryBits.getAsInt();
            return Page.alignUp((bits + Byte.SIZE - 1) / Byte.SIZE);
        }
        return Page.alignUp(pages * pamtEntrySize(pageSize));
    }

    public int pamtEntrySize(PageSize pageSize) {
        return switch (pageSize) {
            case SIZE_4K -> pamt4kEntrySize;
            case SIZE_2M -> pamt2mEntrySize;
            case SIZE_1G -> pamt1gEntrySize;
        };
    }

    /** The 4K, 2M and 1G PAMTs of a TDMR of {@code tdmrSize} bytes together, as one chunk holds them. */
    public long pamtChunkBytes(long tdmrSize) {
        long bytes = 0;
        for (PageSize pageSize : PageSize.values()) {
            bytes += pamtBytes(tdmrSize, pageSize);
        }
        return bytes;
    }

    /** tdmr_size_single(): one TDMR_INFO with its reserved areas, rounded up to TDMR_INFO_ALIGNMENT. */
    public long tdmrInfoBytes() {
        return Page.alignUp(TdmrInfo.HEADER_BYTES + (long) TdmrInfo.RESERVED_AREA_BYTES * maxReservedPerTdmr,
                TdmrInfo.ALIGNMENT);
    }

    /** tdmr_array_size(): the whole TDMR list. */
    public long tdmrListBytes() {
        return tdmrInfoBytes() * maxTdmrs;
    }

    /** At least one TDMR, and a TDMR_INFO that fits in a page. */
    public boolean supportedByKernel() {
        return maxTdmrs >= 1 && tdmrInfoBytes() <= Page.SIZE;
    }
}
