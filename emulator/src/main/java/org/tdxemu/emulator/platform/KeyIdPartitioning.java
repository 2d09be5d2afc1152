package org.tdxemu.emulator.platform;

/**
 * How the BIOS split the KeyIDs (IA32_MKTME_KEYID_PARTITIONING, and MK_TME_KEYID_BITS of
 * IA32_TME_ACTIVATE). KeyID 0 is TME; 1 … mktme are MKTME (shared) KeyIDs; the next tdx are TDX
 * private KeyIDs (module-abi.md §2.2, kernel-init.md §1.1).
 */
public record KeyIdPartitioning(int mktmeKeyIds, int tdxKeyIds, int keyIdBits) {

    /** The module's MAX_PA: the HKID sits in the top {@code keyIdBits} bits below it. */
    public static final int MAX_PA = 52;

    public KeyIdPartitioning {
        if (mktmeKeyIds < 0 || tdxKeyIds < 0) {
            throw new IllegalArgumentException("negative KeyID count: " + mktmeKeyIds + " MKTME, " + tdxKeyIds + " TDX");
        }
        if (keyIdBits < 0 || keyIdBits > 16) {
            throw new IllegalArgumentException("KeyID bits must be 0 to 16: " + keyIdBits);
        }
        if ((long) mktmeKeyIds + tdxKeyIds >= 1L << keyIdBits) {
            throw new IllegalArgumentException(mktmeKeyIds + " MKTME + " + tdxKeyIds + " TDX KeyIDs do not fit "
                    + keyIdBits + " KeyID bits");
        }
    }

    /** The value of IA32_MKTME_KEYID_PARTITIONING (MSR 0x87): MKTME count low, TDX count high. */
    public long msrValue() {
        return Integer.toUnsignedLong(mktmeKeyIds) | (long) tdxKeyIds << 32;
    }

    public int privateHkidMin() {
        return mktmeKeyIds + 1;
    }

    public int privateHkidMax() {
        return mktmeKeyIds + tdxKeyIds;
    }

    /** The lowest HKID bit of a physical address: {@code 52 − keyIdBits}. */
    public int hkidStartBit() {
        return MAX_PA - keyIdBits;
    }

    /** Bits 51 : hkidStartBit. */
    public long hkidMask() {
        return keyIdBits == 0 ? 0 : ((1L << keyIdBits) - 1) << hkidStartBit();
    }
}
