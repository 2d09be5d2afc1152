package org.tdxemu.emulator.module;

import java.util.List;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.layout.CpuidConfig;
import org.tdxemu.seamcall.layout.TdSysInfo;
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
    private static void writeSysInfo(ModuleMemory memory, long pa, GlobalMetadata metadata) {
        memory.write32(pa + TdSysInfo.VENDOR_ID, metadata.value(SysField.VENDOR_ID));
        memory.write32(pa + TdSysInfo.BUILD_DATE, metadata.value(SysField.BUILD_DATE));
        memory.write16(pa + TdSysInfo.BUILD_NUM, (int) metadata.value(SysField.BUILD_NUM));
        memory.write16(pa + TdSysInfo.MINOR_VERSION, (int) metadata.value(SysField.MINOR_VERSION));
        memory.write16(pa + TdSysInfo.MAJOR_VERSION, (int) metadata.value(SysField.MAJOR_VERSION));
        memory.write8(pa + TdSysInfo.SYS_RD, metadata.hasMetadataLeaves() ? 1 : 0);
        memory.write16(pa + TdSysInfo.MAX_TDMRS, (int) metadata.value(SysField.MAX_TDMRS));
        memory.write16(pa + TdSysInfo.MAX_RESERVED_PER_TDMR, (int) metadata.value(SysField.MAX_RESERVED_PER_TDMR));
        memory.write16(pa + TdSysInfo.PAMT_ENTRY_SIZE, (int) metadata.value(SysField.PAMT_4K_ENTRY_SIZE));
        memory.write16(pa + TdSysInfo.TDCS_BASE_SIZE, (int) metadata.value(SysField.TDCS_BASE_SIZE));
        memory.write16(pa + TdSysInfo.TDVPS_BASE_SIZE, (int) metadata.value(SysField.TDVPS_BASE_SIZE));
        memory.write64(pa + TdSysInfo.ATTRIBUTES_FIXED0, metadata.value(SysField.ATTRIBUTES_FIXED0));
        memory.write64(pa + TdSysInfo.ATTRIBUTES_FIXED1, metadata.value(SysField.ATTRIBUTES_FIXED1));
        memory.write64(pa + TdSysInfo.XFAM_FIXED0, metadata.value(SysField.XFAM_FIXED0));
        memory.write64(pa + TdSysInfo.XFAM_FIXED1, metadata.value(SysField.XFAM_FIXED1));
        List<CpuidConfig> configs = metadata.cpuidConfigs();
        memory.write32(pa + TdSysInfo.NUM_CPUID_CONFIG, configs.size());
        for (int i = 0; i < configs.size(); i++) {
            long entry = pa + TdSysInfo.cpuidConfigOffset(i);
            CpuidConfig config = configs.get(i);
            memory.write32(entry + TdSysInfo.CPUID_CONFIG_LEAF, Integer.toUnsignedLong(config.leaf()));
            memory.write32(entry + TdSysInfo.CPUID_CONFIG_SUBLEAF, Integer.toUnsignedLong(config.subleaf()));
            memory.write32(entry + TdSysInfo.CPUID_CONFIG_EAX, Integer.toUnsignedLong(config.eax()));
            memory.write32(entry + TdSysInfo.CPUID_CONFIG_EBX, Integer.toUnsignedLong(config.ebx()));
            memory.write32(entry + TdSysInfo.CPUID_CONFIG_ECX, Integer.toUnsignedLong(config.ecx()));
            memory.write32(entry + TdSysInfo.CPUID_CONFIG_EDX, Integer.toUnsignedLong(config.edx()));
        }
    }

    /** All 32 slots, null ones included: R9 always comes back as 32, not as the count of CMRs. */
    private static void writeCmrInfo(ModuleMemory memory, long pa, GlobalMetadata metadata) {
        for (int i = 0; i < CmrInfoArray.MAX_CMRS; i++) {
            long entry = pa + CmrInfoArray.entryOffset(i);
            memory.write64(entry + CmrInfoArray.BASE, metadata.value(SysField.CMR_BASE, i));
            memory.write64(entry + CmrInfoArray.SIZE, metadata.value(SysField.CMR_SIZE, i));
        }
    }
}
