package org.tdxemu.emulator.module;

import org.tdxemu.seamcall.layout.PamtEntry;

/**
 * What a module build reports about itself and the limits it imposes (module-abi.md §5.1, §6.2).
 * The defaults are the reference's values; the build identity (date, number) is not in the
 * reference and is an arbitrary, fixed choice.
 *
 * @param tdxFeatures0 TDX_FEATURES0; bit 18 is NO_RBP_MOD, without which current Linux refuses
 *                     the module. With {@code dynamicPamt} bit 36 is set whatever is given.
 * @param moduleHv     the handoff version this module writes (TDH.SYS.SHUTDOWN's RCX upper bound)
 * @param dynamicPamt  the build supports Dynamic PAMT (dynamic-pamt.md §2): it reports TDX_FEATURES0
 *                     bit 36 and the two Dynamic PAMT metadata fields, and TDH.SYS.CONFIG takes R8
 *                     bit 16. Which shipping modules do is not public; the option is a modelling
 *                     choice, and the build keeps its personality's identity (version, build).
 */
public record ModuleSettings(ModuleVersion version, int maxTdmrs, int maxReservedPerTdmr, int pamt4kEntrySize,
                             int pamt2mEntrySize, int pamt1gEntrySize, long tdxFeatures0, int majorVersion,
                             int minorVersion, int updateVersion, int internalVersion, long buildDate, int buildNum,
                             int moduleHv, int minUpdateHv, boolean noDowngrade, boolean dynamicPamt) {

    /** TDX_FEATURES0 bit 18: the module does not clobber RBP. */
    public static final long FEATURES0_NO_RBP_MOD = 1L << 18;
    /** TDX_FEATURES0 bit 36: Dynamic PAMT is supported (dynamic-pamt.md §2.1). */
    public static final long FEATURES0_DYNAMIC_PAMT = 1L << 36;
    /** PAMT_PAGE_BITMAP_ENTRY_BITS: one bit per 4 KiB page, hard-coded in the module (dynamic-pamt.md §2.1). */
    public static final int PAMT_PAGE_BITMAP_ENTRY_BITS = 1;
    /**
     * TDH.SYS.CONFIG enables Dynamic PAMT only when the KeyID bits of an address start at or below
     * this bit (dynamic-pamt.md §2.2).
     */
    public static final int DYNAMIC_PAMT_MAX_HKID_START_BIT = 48;
    /** The module's internal TDMR table and reserved-area array sizes. */
    public static final int TABLE_TDMRS = 64;
    public static final int TABLE_RESERVED_AREAS = 16;
    /** TDH.SYS.TDMR.INIT writes entries of the reported size; the smallest holds the page-type byte. */
    public static final int MIN_PAMT_ENTRY_SIZE = PamtEntry.PAGE_TYPE + 1;

    public ModuleSettings {
        if (dynamicPamt && !version.mayHaveDynamicPamt()) {
            throw new IllegalArgumentException("module " + version.label() + " has no Dynamic PAMT");
        }
        if (dynamicPamt) {
            tdxFeatures0 |= FEATURES0_DYNAMIC_PAMT;
        }
        if (maxTdmrs < 1 || maxTdmrs > TABLE_TDMRS) {
            throw new IllegalArgumentException("max TDMRs must be 1 to " + TABLE_TDMRS + ": " + maxTdmrs);
        }
        if (maxReservedPerTdmr < 1 || maxReservedPerTdmr > TABLE_RESERVED_AREAS) {
            throw new IllegalArgumentException("max reserved areas per TDMR must be 1 to " + TABLE_RESERVED_AREAS
                    + ": " + maxReservedPerTdmr);
        }
        for (int size : new int[] {pamt4kEntrySize, pamt2mEntrySize, pamt1gEntrySize}) {
            if (size < MIN_PAMT_ENTRY_SIZE || size > 0xFFFF) {
                throw new IllegalArgumentException("PAMT entry size must be " + MIN_PAMT_ENTRY_SIZE
                        + " to 65535 bytes: " + size);
            }
        }
    }

    /** The reference's values for a personality: 64 TDMRs, 16 reserved areas, 16-byte PAMT entries. */
    public static ModuleSettings defaults(ModuleVersion version) {
        return switch (version) {
            case V1_0 -> new ModuleSettings(version, 64, 16, 16, 16, 16, 0, 1, 0, 0, 0, 20210913, 208, 0, 0, false,
                    false);
            case V1_5 -> new ModuleSettings(version, 64, 16, 16, 16, 16, 0x1F0EBFL, 1, 5, 5, 0, 20240305, 744, 0, 0,
                    false, false);
        };
    }

    public ModuleSettings withLimits(int maxTdmrs, int maxReservedPerTdmr, int pamtEntrySize) {
        return new ModuleSettings(version, maxTdmrs, maxReservedPerTdmr, pamtEntrySize, pamtEntrySize, pamtEntrySize,
                tdxFeatures0, majorVersion, minorVersion, updateVersion, internalVersion, buildDate, buildNum, moduleHv,
                minUpdateHv, noDowngrade, dynamicPamt);
    }

    public ModuleSettings withTdxFeatures0(long features) {
        return new ModuleSettings(version, maxTdmrs, maxReservedPerTdmr, pamt4kEntrySize, pamt2mEntrySize,
                pamt1gEntrySize, features, majorVersion, minorVersion, updateVersion, internalVersion, buildDate,
                buildNum, moduleHv, minUpdateHv, noDowngrade, dynamicPamt);
    }

    /**
     * The same build with Dynamic PAMT supported, or not; a build that loses it loses bit 36 of
     * TDX_FEATURES0 with it.
     */
    public ModuleSettings withDynamicPamt(boolean supported) {
        long features = dynamicPamt && !supported ? tdxFeatures0 & ~FEATURES0_DYNAMIC_PAMT : tdxFeatures0;
        return new ModuleSettings(version, maxTdmrs, maxReservedPerTdmr, pamt4kEntrySize, pamt2mEntrySize,
                pamt1gEntrySize, features, majorVersion,
                minorVersion, updateVersion, internalVersion, buildDate, buildNum, moduleHv, minUpdateHv, noDowngrade,
                supported);
    }
}
