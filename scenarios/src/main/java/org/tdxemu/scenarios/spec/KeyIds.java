package org.tdxemu.scenarios.spec;

/** The BIOS's KeyID split: MKTME KeyIDs, TDX private KeyIDs, and the KeyID bits of an address. */
public record KeyIds(int mktme, int tdx, int bits) {

    /** The fewest bits that number KeyID 0, the MKTME KeyIDs and the TDX KeyIDs. */
    public static int bitsFor(int mktme, int tdx) {
        int bits = 1;
        while ((1L << bits) <= (long) mktme + tdx) {
            bits++;
        }
        return bits;
    }
}
