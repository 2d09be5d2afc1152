package org.tdxemu.scenarios.spec;

import java.util.OptionalLong;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.planner.ModuleLimits;

/**
 * The "module" object of a scenario: the personality, the limits it reports, and whether it
 * supports Dynamic PAMT (1.5 only).
 */
public record ModuleSpec(ModuleVersion version, int maxTdmrs, int maxReservedPerTdmr, int pamtEntrySize,
                         OptionalLong tdxFeatures0, boolean dynamicPamt) {

    /** Module 1.5 with 64 TDMRs, 16 reserved areas and 16-byte PAMT entries, without Dynamic PAMT. */
    public static final ModuleSpec DEFAULT = new ModuleSpec(ModuleVersion.V1_5, 64, 16, 16, OptionalLong.empty(),
            false);

    public ModuleSpec {
        if (dynamicPamt && !version.mayHaveDynamicPamt()) {
            throw new IllegalArgumentException("module " + version.label() + " has no Dynamic PAMT");
        }
    }

    /** The same module as another personality; one that cannot have Dynamic PAMT has none. */
    public ModuleSpec withVersion(ModuleVersion newVersion) {
        return new ModuleSpec(newVersion, maxTdmrs, maxReservedPerTdmr, pamtEntrySize, tdxFeatures0,
                dynamicPamt && newVersion.mayHaveDynamicPamt());
    }

    public ModuleSpec withDynamicPamt(boolean supported) {
        return new ModuleSpec(version, maxTdmrs, maxReservedPerTdmr, pamtEntrySize, tdxFeatures0, supported);
    }

    /** How the command line and reports name the module: {@code 1.5}, {@code 1.5 with Dynamic PAMT}. */
    public String label() {
        return version.label() + (dynamicPamt ? " with Dynamic PAMT" : "");
    }

    public ModuleSettings settings() {
        ModuleSettings settings = ModuleSettings.defaults(version).withLimits(maxTdmrs, maxReservedPerTdmr,
                pamtEntrySize);
        if (tdxFeatures0.isPresent()) {
            settings = settings.withTdxFeatures0(tdxFeatures0.getAsLong());
        }
        return settings.withDynamicPamt(dynamicPamt);
    }

    /**
     * What the kernel reads from this module, for a plan made without it: the limits, and, when
     * the module offers Dynamic PAMT, its bitmap's bits per page (kernel-model's {@code
     * TdxKernel.plan} uses them only where the kernel would).
     */
    public ModuleLimits kernelLimits() {
        ModuleLimits limits = ModuleLimits.uniform(maxTdmrs, maxReservedPerTdmr, pamtEntrySize);
        return dynamicPamt ? limits.withPamtPageBitmap(ModuleSettings.PAMT_PAGE_BITMAP_ENTRY_BITS) : limits;
    }
}
