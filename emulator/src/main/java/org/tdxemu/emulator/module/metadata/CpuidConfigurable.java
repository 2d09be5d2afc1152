package org.tdxemu.emulator.module.metadata;

import java.util.List;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.seamcall.layout.CpuidConfig;

/**
 * The CPUID leaves whose TD view the host may configure, per personality, in the module's index
 * order, each with its CONFIG_DIRECT bits (module-abi.md §5.1, the CPUID_CONFIG entries; §6.2,
 * CPUID_CONFIG_LEAVES and CPUID_CONFIG_VALUES).
 *
 * <p>The index order is the order of the module's {@code cpuid_configurable} array, which both
 * TDH.SYS.INFO and TDH.SYS.RD report by index. It is not the sorted order module-abi.md §5.1
 * lists the leaves in: in the 18-entry table (intel/tdx-module {@code
 * include/auto_gen/cpuid_configurations.c}, commit 1e63698) 0x80000008 is index 9, 0x7/2 index
 * 10, 0x23/0 index 11 and 0x1F/0–5 indices 12–17; the 12-entry 1.5.01 table (commit a31dfd4)
 * has the same first 12. The 1.0 table is {@code qizhangz/tdx-module} commit 9359de5.
 *
 * <p>The emulated platform has no native CPUID values beyond the FMS, so the ALLOW_DIRECT bits,
 * which count only where the native value has them, contribute nothing: what TDH.SYS.INFO reports
 * ({@code config_direct | (allow_direct & native)}) equals CONFIG_DIRECT, which is also what
 * TDH.SYS.RD reports.
 */
final class CpuidConfigurable {

    private static final int NO_SUBLEAF = CpuidConfig.NO_SUBLEAF;
    private static final CpuidConfig LEAF_4_CACHE =
            new CpuidConfig(0x4, 0, 0xFFFFC3FF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFB);
    private static final CpuidConfig LEAF_1F_TOPOLOGY = new CpuidConfig(0x1F, 0, 0x1F, 0xFFFF, 0xFFFF, 0);

    private static final List<CpuidConfig> V1_0 = List.of(
            new CpuidConfig(0x1, NO_SUBLEAF, 0, 0x00FF0000, 0, 0),
            new CpuidConfig(0x4, 0, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF),
            new CpuidConfig(0x4, 1, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF),
            new CpuidConfig(0x4, 2, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF),
            new CpuidConfig(0x4, 3, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFFFFF, 0xFFFFFFFF),
            new CpuidConfig(0x7, 0, 0, 0, 0, 0));

    private static final List<CpuidConfig> V1_5 = List.of(
            new CpuidConfig(0x1, NO_SUBLEAF, 0x0FFF3FFF, 0x00FF0000, 0, 0),
            LEAF_4_CACHE,
            subleaf(LEAF_4_CACHE, 1),
            subleaf(LEAF_4_CACHE, 2),
            new CpuidConfig(0x4, 3, 0xFFFFC3FF, 0xFFFFF000, 0xFFFFFFFF, 0x7),
            new CpuidConfig(0x7, 0, 0, 0, 0, 0),
            new CpuidConfig(0x7, 1, 0, 0, 0, 0),
            new CpuidConfig(0xA, NO_SUBLEAF, 0, 0, 0, 0),
            new CpuidConfig(0x1C, NO_SUBLEAF, 0, 0, 0, 0),
            new CpuidConfig(0x80000008, NO_SUBLEAF, 0xFF, 0, 0, 0),
            new CpuidConfig(0x7, 2, 0, 0, 0, 0),
            new CpuidConfig(0x23, 0, 0, 0, 0, 0),
            LEAF_1F_TOPOLOGY,
            subleaf(LEAF_1F_TOPOLOGY, 1),
            subleaf(LEAF_1F_TOPOLOGY, 2),
            subleaf(LEAF_1F_TOPOLOGY, 3),
            subleaf(LEAF_1F_TOPOLOGY, 4),
            subleaf(LEAF_1F_TOPOLOGY, 5));

    private CpuidConfigurable() {
    }

    static List<CpuidConfig> of(ModuleVersion version) {
        return switch (version) {
            case V1_0 -> V1_0;
            case V1_5 -> V1_5;
        };
    }

    private static CpuidConfig subleaf(CpuidConfig first, int subleaf) {
        return new CpuidConfig(first.leaf(), subleaf, first.eax(), first.ebx(), first.ecx(), first.edx());
    }
}
