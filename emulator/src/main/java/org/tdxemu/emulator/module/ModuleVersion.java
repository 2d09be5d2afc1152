package org.tdxemu.emulator.module;

import org.tdxemu.seamcall.status.ModuleGeneration;

/**
 * The module personalities the emulator plays, and the few places where they behave differently
 * (module-abi.md, the [1.0] notes). "1.5" is 1.5.05: its metadata table has MAX_VCPUS_PER_TD,
 * which current Linux reads.
 */
public enum ModuleVersion {
    V1_0("1.0", ModuleGeneration.TDX_1_0),
    V1_5("1.5", ModuleGeneration.TDX_1_5_05);

    private final String label;
    private final ModuleGeneration generation;

    ModuleVersion(String label, ModuleGeneration generation) {
        this.label = label;
        this.generation = generation;
    }

    public String label() {
        return label;
    }

    /** Whose status table names this personality's codes. */
    public ModuleGeneration generation() {
        return generation;
    }

    /** 1.5 reads RAX as leaf + version + reserved bits; 1.0 compares the whole RAX as a leaf number. */
    public boolean hasVersionedRax() {
        return this != V1_0;
    }

    /** TDH.SYS.RD, RDALL and UPDATE exist from 1.5. */
    public boolean hasMetadataLeaves() {
        return this != V1_0;
    }

    /** 1.0's LP.SHUTDOWN shuts the whole module down; 1.5's is a no-op. */
    public boolean lpShutdownShutsDown() {
        return this == V1_0;
    }

    /** The status of a failed RDRAND in SYS.INIT and LP.INIT: 1.0 had no TDX_RND_NO_ENTROPY. */
    public boolean reportsEntropyAsSysBusy() {
        return this == V1_0;
    }

    /** 1.0 checks an empty tail of the available-area walk against the CMRs (module-abi.md §4.4). */
    public boolean checksEmptyTail() {
        return this == V1_0;
    }

    /**
     * Whether a build of this personality may support Dynamic PAMT (dynamic-pamt.md §2): the
     * feature came with 1.5-era trees; 1.0 has no TDH.SYS.RD to report it through.
     */
    public boolean mayHaveDynamicPamt() {
        return this != V1_0;
    }

    /** TDH.SYS.SHUTDOWN exists from 1.5. */
    public boolean hasShutdownLeaf() {
        return this != V1_0;
    }

    public static java.util.Optional<ModuleVersion> ofLabel(String label) {
        for (ModuleVersion v : values()) {
            if (v.label.equals(label)) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }
}
