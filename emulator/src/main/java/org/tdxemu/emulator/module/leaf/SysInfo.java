package org.tdxemu.emulator.module.leaf;

import java.util.List;
import org.tdxemu.emulator.module.metadata.GlobalMetadata;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.module.state.ModuleMemory;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.layout.CpuidConfig;
import org.tdxemu.seamcall.layout.TdSysInfo;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.INFO, leaf 32: TDSYSINFO_STRUCT and the 32-slot CMR_INFO array (module-abi.md §4.3, §5.1,
 * §5.2). Takes no lock: it reads only the fixed {@link GlobalMetadata}.
 *
 * <p>TDSYSINFO has one PAMT_ENTRY_SIZE for the three page sizes; it is the 4K PAMT's entry size.
 */
final class SysInfo implements LeafHandler {

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        long sysInfoPa = registers.rcx();
        long sysInfoBytes = registers.rdx();
        long cmrArrayPa = registers.r8();
        long cmrEntries = registers.r9();
        registers.set(Gpr.RDX, 0).set(Gpr.R9, 0);
        if (!lp.initialized) {
            return StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value();
        }
        if (!module.isSharedHpa(sysInfoPa, TdSysInfo.ALIGNMENT)) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (Long.compareUnsigned(sysInfoBytes, TdSysInfo.BYTES) < 0) {
            return Statuses.operandInvalid(Gpr.RDX);
        }
        // Before the CMR array is checked, so a caller whose R8 or R9 is bad still finds zeros here.
        module.memory.fill(sysInfoPa, TdSysInfo.BYTES, (byte) 0);
        if (!module.isSharedHpa(cmrArrayPa, CmrInfoArray.ALIGNMENT)) {
            return Statuses.operandInvalid(Gpr.R8);
        }
        if (Long.compareUnsigned(cmrEntries, CmrInfoArray.MAX_CMRS) < 0) {
            return Statuses.operandInvalid(Gpr.R9);
        }
        writeSysInfo(module.memory, sysInfoPa, module.metadata);
        writeCmrInfo(module.memory, cmrArrayPa, module.metadata);
        registers.set(Gpr.RDX, TdSysInfo.BYTES).set(Gpr.R9, CmrInfoArray.MAX_CMRS);
        return StatusCode.TDX_SUCCESS.value();
    }

    /** Every non-zero field; ATTRIBUTES (a release build) and the reserved bytes stay zero from the fill. */
    private static void writeSysInfo(PhysicalMemory memory, long pa, GlobalMetadata metadata) {
        TdSysInfo info = TdSysInfo.at(memory, pa)
                .vendorId(metadata.value(SysField.VENDOR_ID))
                .buildDate(metadata.value(SysField.BUILD_DATE))
                .buildNum((int) metadata.value(SysField.BUILD_NUM))
                .minorVersion((int) metadata.value(SysField.MINOR_VERSION))
                .majorVersion((int) metadata.value(SysField.MAJOR_VERSION))
                .sysRd(metadata.hasMetadataLeaves() ? 1 : 0)
                .maxTdmrs((int) metadata.value(SysField.MAX_TDMRS))
                .maxReservedPerTdmr((int) metadata.value(SysField.MAX_RESERVED_PER_TDMR))
                .pamtEntrySize((int) metadata.value(SysField.PAMT_4K_ENTRY_SIZE))
                .tdcsBaseSize((int) metadata.value(SysField.TDCS_BASE_SIZE))
                .tdvpsBaseSize((int) metadata.value(SysField.TDVPS_BASE_SIZE))
                .attributesFixed0(metadata.value(SysField.ATTRIBUTES_FIXED0))
                .attributesFixed1(metadata.value(SysField.ATTRIBUTES_FIXED1))
                .xfamFixed0(metadata.value(SysField.XFAM_FIXED0))
                .xfamFixed1(metadata.value(SysField.XFAM_FIXED1));
        List<CpuidConfig> configs = metadata.cpuidConfigs();
        info.numCpuidConfig(configs.size());
        for (int i = 0; i < configs.size(); i++) {
            info.cpuidConfig(i, configs.get(i));
        }
    }

    /** All 32 slots, null ones included: R9 always comes back as 32, not as the count of CMRs. */
    private static void writeCmrInfo(PhysicalMemory memory, long pa, GlobalMetadata metadata) {
        CmrInfoArray cmrs = CmrInfoArray.at(memory, pa);
        for (int i = 0; i < CmrInfoArray.MAX_CMRS; i++) {
            cmrs.set(i, metadata.value(SysField.CMR_BASE, i), metadata.value(SysField.CMR_SIZE, i));
        }
    }
}
