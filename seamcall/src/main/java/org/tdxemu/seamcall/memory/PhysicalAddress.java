package org.tdxemu.seamcall.memory;

/**
 * The architectural width of a host physical address. A TDX module takes addresses below 2^52
 * (its MAX_PA); on a machine with k KeyID bits, bits 52 − k to 51 carry the KeyID and memory
 * decodes only the bits below them (module-abi.md §2.5).
 */
public final class PhysicalAddress {

    /** MAX_PA: every physical address is below 2^52. */
    public static final int MAX_BITS = 52;
    /** 2^52, the first address that is not a physical address. */
    public static final long LIMIT = 1L << MAX_BITS;

    private PhysicalAddress() {
    }
}
