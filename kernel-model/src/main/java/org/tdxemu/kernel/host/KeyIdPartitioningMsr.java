package org.tdxemu.kernel.host;

/**
 * The value of MSR IA32_MKTME_KEYID_PARTITIONING (0x87): bits 31:0 hold the number of MKTME
 * KeyIDs, bits 63:32 the number of TDX private KeyIDs (kernel-init.md §1.1).
 */
public record KeyIdPartitioningMsr(long msr) {

    public static KeyIdPartitioningMsr of(long mktmeKeyIds, long tdxKeyIds) {
        if (mktmeKeyIds >>> 32 != 0 || tdxKeyIds >>> 32 != 0) {
            throw new IllegalArgumentException("KeyID counts are 32-bit: " + mktmeKeyIds + ", " + tdxKeyIds);
        }
        return new KeyIdPartitioningMsr(tdxKeyIds << 32 | mktmeKeyIds);
    }

    public long mktmeKeyIds() {
        return msr & 0xFFFF_FFFFL;
    }

    public long tdxKeyIds() {
        return msr >>> 32;
    }

    /** KeyID 0 is TME's and MKTME's follow it, so TDX's start after the last MKTME KeyID; a u32, as in the kernel. */
    public long firstTdxKeyId() {
        return (mktmeKeyIds() + 1) & 0xFFFF_FFFFL;
    }

    /** The end of the TDX range as the kernel prints it: a u32 sum. */
    public long tdxKeyIdEnd() {
        return (firstTdxKeyId() + tdxKeyIds()) & 0xFFFF_FFFFL;
    }
}
