package org.tdxemu.seamcall.status;

/**
 * TDX module releases whose completion-status tables differ (module-abi.md §1.4). The table of a
 * release says which names exist and what they are worth.
 */
public enum ModuleGeneration {
    /** TDX 1.0 (V1.00): qizhangz/tdx-module 9359de5, include/auto_gen/tdx_error_codes_defs.h. */
    TDX_1_0("1.0"),
    /** TDX 1.5.01: intel/tdx-module branch tdx_1.5, the reference's primary table. */
    TDX_1_5_01("1.5.01"),
    /** TDX 1.5.05: adds TDX_X2APIC_ID_NOT_UNIQUE. */
    TDX_1_5_05("1.5.05"),
    /** The TDX 2.x / TDX-Connect era tree: adds a few codes and the TDX-IO class. */
    TDX_2("2.x");

    private final String label;

    ModuleGeneration(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
