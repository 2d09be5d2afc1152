package org.tdxemu.scenarios.spec;

import java.util.OptionalLong;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;

/** The "module" object of a scenario: the personality and the limits it reports. */
public record ModuleSpec(ModuleVersion version, int maxTdmrs, int maxReservedPerTdmr, int pamtEntrySize,
                         OptionalLong tdxFeatures0) {

    /** Module 1.5 with 64 TDMRs, 16 reserved areas and 16-byte PAMT entries. */
    public static final ModuleSpec DEFAULT = new ModuleSpec(ModuleVersion.V1_5, 64, 16, 16, OptionalLong.empty());

    public ModuleSpec withVersion(ModuleVersion newVersion) {
        return new ModuleSpec(newVersion, maxTdmrs, maxReservedPerTdmr, pamtEntrySize, tdxFeatures0);
    }

    public ModuleSettings settings() {
        ModuleSettings settings = ModuleSettings.defaults(version).withLimits(maxTdmrs, maxReservedPerTdmr,
                pamtEntrySize);
        return tdxFeatures0.isPresent() ? settings.withTdxFeatures0(tdxFeatures0.getAsLong()) : settings;
    }
}
