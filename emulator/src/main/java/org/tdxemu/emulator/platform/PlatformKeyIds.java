package org.tdxemu.emulator.platform;

import org.tdxemu.seamcall.memory.PhysicalAddress;

/**
 * How the BIOS split the KeyIDs (IA32_MKTME_KEYID_PARTITIONING, and MK_TME_KEYID_BITS of
 * IA32_TME_ACTIVATE). KeyID 0 is TME; 1 … mktme are MKTME (shared) KeyIDs; the next tdx are TDX
 * private KeyIDs (module-abi.md §2.2, kernel-init.md §1.1).
 */
public record PlatformKeyIds(int mktmeKeyIds, int tdxKeyIds, int keyIdBits) {

    public PlatformKeyIds {
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

    public int privateHkidMin() {
        return mktmeKeyIds + 1;
    }

    public int privateHkidMax() {
        return mktmeKeyIds + tdxKeyIds;
    }

    /** The lowest HKID bit of a physical address: {@code 52 − keyIdBits}. */
    public int hkidStartBit() {
        return PhysicalAddress.MAX_BITS - keyIdBits;
    }

    /** Bits 51 : hkidStartBit. */
    public long hkidMask() {
        return keyIdBits == 0 ? 0 : ((1L << keyIdBits) - 1) << hkidStartBit();
    }
}
