package org.tdxemu.seamcall.leaf;

import java.util.Optional;

/**
 * The RAX input of a SEAMCALL, taken apart (module-abi.md §1.1): the leaf number in bits 15:0,
 * the leaf version in bits 23:16, and the reserved bits 31:24 and 63:32, which must be zero.
 */
public record LeafSelector(int leafNumber, int version, long reservedBits) {

    public static final int LEAF_MASK = 0xFFFF;
    public static final int VERSION_SHIFT = 16;
    public static final int VERSION_MASK = 0xFF;
    /** RAX bits 31:24 and 63:32. */
    public static final long RESERVED_MASK = 0xFFFF_FFFF_FF00_0000L;

    public LeafSelector {
        if (leafNumber < 0 || leafNumber > LEAF_MASK) {
            throw new IllegalArgumentException("leaf number out of 16 bits: " + leafNumber);
        }
        if (version < 0 || version > VERSION_MASK) {
            throw new IllegalArgumentException("leaf version out of 8 bits: " + version);
        }
        if ((reservedBits & ~RESERVED_MASK) != 0) {
            throw new IllegalArgumentException("reserved bits outside RAX 31:24 and 63:32: 0x"
                    + Long.toHexString(reservedBits));
        }
    }

    public static LeafSelector decode(long rax) {
        return new LeafSelector((int) (rax & LEAF_MASK), (int) ((rax >>> VERSION_SHIFT) & VERSION_MASK),
                rax & RESERVED_MASK);
    }

    public static long encode(int leafNumber, int version) {
        return new LeafSelector(leafNumber, version, 0).rax();
    }

    public long rax() {
        return reservedBits | ((long) version << VERSION_SHIFT) | leafNumber;
    }

    public boolean hasReservedBits() {
        return reservedBits != 0;
    }

    /** The named leaf, if tdxemu knows this number. */
    public Optional<Leaf> leaf() {
        return Leaf.ofNumber(leafNumber);
    }
}
