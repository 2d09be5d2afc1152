package org.tdxemu.kernel.init;

import java.util.List;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.seamcall.memory.Range;

/**
 * {@code struct tdx_sys_info} as the merged kernels read it with TDH.SYS.RD (kernel-init.md §1.3
 * step C, §2.5), each value truncated to the width of its member.
 *
 * @param version the module's version, read from M70 on (LATEST); 0.0.00 when not read
 * @param tdxFeatures0 TDX_FEATURES0
 * @param tdmr the TDMR limits
 * @param cmrs the non-empty CMRs, read only when holes come from the CMRs; otherwise empty
 * @param tdControl the TD control structure sizes
 * @param tdConfigurability what TDs may configure
 */
public record TdxSysInfo(Version version, long tdxFeatures0, ModuleLimits tdmr, List<Range> cmrs, TdControl tdControl,
                         TdConfigurability tdConfigurability) {

    /** TDX_FEATURES0_NO_RBP_MOD: the module leaves RBP alone, which the kernel requires. */
    public static final long TDX_FEATURES0_NO_RBP_MOD = 1L << 18;

    public TdxSysInfo {
        cmrs = List.copyOf(cmrs);
    }

    /** {@code struct tdx_sys_info_version}, as {@code Module version: %u.%u.%02u} prints it. */
    public record Version(int major, int minor, int update) {

        public static final Version NOT_READ = new Version(0, 0, 0);

        @Override
        public String toString() {
            return String.format("%d.%d.%02d", major, minor, update);
        }
    }

    /** {@code struct tdx_sys_info_td_ctrl}. */
    public record TdControl(int tdrBaseSize, int tdcsBaseSize, int tdvpsBaseSize) {
    }

    /** {@code struct tdx_sys_info_td_conf}; the CPUID arrays hold {@code numCpuidConfig} entries. */
    public record TdConfigurability(long attributesFixed0, long attributesFixed1, long xfamFixed0, long xfamFixed1,
                                    int numCpuidConfig, int maxVcpusPerTd, List<Long> cpuidConfigLeaves,
                                    List<CpuidConfigValue> cpuidConfigValues) {

        public TdConfigurability {
            cpuidConfigLeaves = List.copyOf(cpuidConfigLeaves);
            cpuidConfigValues = List.copyOf(cpuidConfigValues);
        }
    }

    /** One CPUID_CONFIG_VALUES pair: EAX | EBX << 32, then ECX | EDX << 32. */
    public record CpuidConfigValue(long eaxEbx, long ecxEdx) {
    }
}
