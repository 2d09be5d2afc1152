package org.tdxemu.kernel.init;

import org.tdxemu.kernel.Profile;

/**
 * What a merged kernel's init_tdx_module() does beyond Linux 6.18's, so that the releases share
 * one port of it.
 *
 * @param readsVersion M70 and LATEST: read the version group first, and print
 *                     {@code Module version: %u.%u.%02u} after the metadata whatever came of it
 *                     (kernel-init.md §1.3 step C)
 * @param dynamicPamt  the Dynamic PAMT series (dynamic-pamt.md §3) is applied
 */
record MergedRelease(boolean readsVersion, boolean dynamicPamt) {

    /** Linux 6.18 (M618 with M616's metadata). */
    static final MergedRelease V6_18 = new MergedRelease(false, false);
    /** Today's mainline, kernel-init.md's LATEST. */
    static final MergedRelease LATEST = new MergedRelease(true, false);
    /** Today's mainline with the Dynamic PAMT series, v6. */
    static final MergedRelease LATEST_WITH_DYNAMIC_PAMT = new MergedRelease(true, true);

    /** The release a merged kernel's profile is. */
    static MergedRelease of(Profile profile) {
        return switch (profile) {
            case MAINLINE -> V6_18;
            case LATEST -> LATEST;
            case DPAMT -> LATEST_WITH_DYNAMIC_PAMT;
            case V7 -> throw new IllegalArgumentException("v7 is not a merged kernel");
        };
    }
}
