package org.tdxemu.kernel.layout;

/** Where a generated layout has no memory, besides the boundaries between its regions. */
public enum HolePattern {
    /** The regions tile the memory from 4 GiB up, back to back: no hole inside any TDMR. */
    NONE,
    /**
     * Below 2 GiB, usable e820 ranges of a real Emerald Rapids host, separated by the firmware's
     * reservations as that host's e820 map has them; from 4 GiB up, back to back as for
     * {@link #NONE}.
     */
    FIRMWARE_LOW,
    /**
     * From 4 GiB up, each region alone at the bottom of a 1 GiB-aligned window twice its size, as
     * CXL memory sits in windows far apart from each other: every region gets a TDMR of its own.
     */
    SPARSE_HIGH,
    /**
     * As {@link #SPARSE_HIGH}, each region alone in a window twice its size, but the regions' sizes
     * differ: drawn at random, 1 to 7 parts each of the total, the same for the same layout name.
     * PAMTs of every size then leave gaps between them as the allocator places them.
     */
    SPARSE_RANDOM
}
