package org.tdxemu.kernel.init;

/** Where the memory holes that become reserved areas come from (kernel-init.md §3.1, §3.6, §5 items 28–31). */
public enum HoleSource {
    /** The gaps between memblock regions, as upstream does. */
    MEMBLOCK,
    /**
     * The gaps between the CMRs the module reports, read with TDH.SYS.RD, as the unmerged fix
     * Ubuntu carries does ("Reduce TDMR's reserved areas by using CMRs to find memory holes",
     * v8.2). It also requires each memory region to lie inside one CMR.
     */
    CMRS
}
