package org.tdxemu.kernel.init;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * get_tdx_sys_info() of Linux 6.16 and later (tdx_global_metadata.c, kernel-init.md §1.3 step C):
 * one TDH.SYS.RD per field, group after group; the first failure stops every later read, and the
 * value of an unread field stays 0. From M70 (LATEST) the version group comes first; the Dynamic
 * PAMT series reads the bitmap's bits per page last, when it uses Dynamic PAMT (dynamic-pamt.md
 * §3.2).
 *
 * <p>With holes from the CMRs, the CMR group of that patch series is read after the TDMR group:
 * NUM_CMRS, the bases, then the sizes, for as many slots as NUM_CMRS says (the module says 32).
 */
final class MainlineMetadata {

    /** The kernel's array size for CPUID_CONFIG_LEAVES and _VALUES. */
    static final int MAX_CPUID_CONFIGS = 128;

    private static final long U16 = 0xFFFF;
    private static final long U8 = 0xFF;

    /** What was read, and the error that stopped reading. */
    record Result(TdxSysInfo sysinfo, Optional<Errno> failure) {
    }

    private final MainlineSeamcalls seamcalls;
    private final int cpu;
    private final KernelLog log;
    private Optional<Errno> failure = Optional.empty();

    private MainlineMetadata(MainlineSeamcalls seamcalls, int cpu, KernelLog log) {
        this.seamcalls = seamcalls;
        this.cpu = cpu;
        this.log = log;
    }

    static Result read(MainlineSeamcalls seamcalls, int cpu, HoleSource holes, MergedRelease release, HostConfig host,
                       KernelLog log) {
        return new MainlineMetadata(seamcalls, cpu, log).read(holes, release, host);
    }

    private Result read(HoleSource holes, MergedRelease release, HostConfig host) {
        TdxSysInfo.Version version = release.readsVersion() ? readVersion() : TdxSysInfo.Version.NOT_READ;
        long features0 = read(SysField.TDX_FEATURES0);
        ModuleLimits tdmr = new ModuleLimits((int) (read(SysField.MAX_TDMRS) & U16),
                (int) (read(SysField.MAX_RESERVED_PER_TDMR) & U16), (int) (read(SysField.PAMT_4K_ENTRY_SIZE) & U16),
                (int) (read(SysField.PAMT_2M_ENTRY_SIZE) & U16), (int) (read(SysField.PAMT_1G_ENTRY_SIZE) & U16));
        List<Range> cmrs = holes == HoleSource.CMRS && failure.isEmpty() ? readCmrs() : List.of();
        TdxSysInfo.TdControl tdControl = new TdxSysInfo.TdControl((int) (read(SysField.TDR_BASE_SIZE) & U16),
                (int) (read(SysField.TDCS_BASE_SIZE) & U16), (int) (read(SysField.TDVPS_BASE_SIZE) & U16));
        TdxSysInfo.TdConfigurability tdConf = failure.isEmpty() ? readTdConf() : emptyTdConf();
        if (release.dynamicPamt() && failure.isEmpty() && DynamicPamtSeries.uses(features0, host)) {
            tdmr = tdmr.withPamtPageBitmap((int) (readId(DynamicPamtSeries.PAMT_PAGE_BITMAP_ENTRY_BITS.raw()) & U8));
        }
        return new Result(new TdxSysInfo(version, features0, tdmr, cmrs, tdControl, tdConf), failure);
    }

    /** get_tdx_sys_info_version(): minor, major, update, as the struct orders them. */
    private TdxSysInfo.Version readVersion() {
        int minor = (int) (read(SysField.MINOR_VERSION) & U16);
        int major = (int) (read(SysField.MAJOR_VERSION) & U16);
        int update = (int) (read(SysField.UPDATE_VERSION) & U16);
        return new TdxSysInfo.Version(major, minor, update);
    }

    /** get_tdx_sys_info_cmr(), then trim_empty_tail_cmrs(): the list ends at the first empty slot. */
    private List<Range> readCmrs() {
        int cmrCount = (int) (read(SysField.NUM_CMRS) & U16);
        // The kernel's arrays hold MAX_CMRS slots and it takes the module's word for the count; the model checks it.
        if (cmrCount > CmrInfoArray.MAX_CMRS) {
            failure = Optional.of(Errno.EINVAL);
            return List.of();
        }
        long[] bases = new long[cmrCount];
        long[] sizes = new long[cmrCount];
        for (int i = 0; i < cmrCount; i++) {
            bases[i] = read(SysField.CMR_BASE, i);
        }
        for (int i = 0; i < cmrCount; i++) {
            sizes[i] = read(SysField.CMR_SIZE, i);
        }
        List<Range> cmrs = new ArrayList<>();
        for (int i = 0; i < cmrCount && failure.isEmpty(); i++) {
            if (sizes[i] == 0) {
                if (bases[i] != 0) {
                    log.warnOn("trim_empty_tail_cmrs(): empty CMR with a base");
                }
                break;
            }
            if (!Page.isAligned(bases[i]) || !Page.isAligned(sizes[i])) {
                log.warnOn("trim_empty_tail_cmrs(): CMR not 4K aligned");
            }
            // The hole walk needs ascending, disjoint CMRs; the module guarantees it, the model checks it.
            if (!cmrs.isEmpty() && Long.compareUnsigned(bases[i], cmrs.get(cmrs.size() - 1).end()) < 0) {
                log.warnOn("CMRs not ascending and disjoint");
                failure = Optional.of(Errno.EINVAL);
                return List.of();
            }
            cmrs.add(Range.ofSize(bases[i], sizes[i]));
        }
        return cmrs;
    }

    /** get_tdx_sys_info_td_conf(), whose NUM_CPUID_CONFIG check runs even after a failed read. */
    private TdxSysInfo.TdConfigurability readTdConf() {
        long attributesFixed0 = read(SysField.ATTRIBUTES_FIXED0);
        long attributesFixed1 = read(SysField.ATTRIBUTES_FIXED1);
        long xfamFixed0 = read(SysField.XFAM_FIXED0);
        long xfamFixed1 = read(SysField.XFAM_FIXED1);
        int numCpuidConfig = (int) (read(SysField.NUM_CPUID_CONFIG) & U16);
        int maxVcpusPerTd = (int) (read(SysField.MAX_VCPUS_PER_TD) & U16);
        if (numCpuidConfig > MAX_CPUID_CONFIGS) {
            failure = Optional.of(Errno.EINVAL);
            return new TdxSysInfo.TdConfigurability(attributesFixed0, attributesFixed1, xfamFixed0, xfamFixed1,
                    numCpuidConfig, maxVcpusPerTd, List.of(), List.of());
        }
        List<Long> leaves = new ArrayList<>();
        for (int i = 0; i < numCpuidConfig; i++) {
            leaves.add(read(SysField.CPUID_CONFIG_LEAVES, i));
        }
        List<TdxSysInfo.CpuidConfigValue> values = new ArrayList<>();
        for (int i = 0; i < numCpuidConfig; i++) {
            long eaxEbx = readElement(SysField.CPUID_CONFIG_VALUES, i, 0);
            long ecxEdx = readElement(SysField.CPUID_CONFIG_VALUES, i, 1);
            values.add(new TdxSysInfo.CpuidConfigValue(eaxEbx, ecxEdx));
        }
        return new TdxSysInfo.TdConfigurability(attributesFixed0, attributesFixed1, xfamFixed0, xfamFixed1,
                numCpuidConfig, maxVcpusPerTd, leaves, values);
    }

    private static TdxSysInfo.TdConfigurability emptyTdConf() {
        return new TdxSysInfo.TdConfigurability(0, 0, 0, 0, 0, 0, List.of(), List.of());
    }

    private long read(SysField field) {
        return readElement(field, 0, 0);
    }

    private long read(SysField field, int index) {
        return readElement(field, index, 0);
    }

    /**
     * An element of {@code field}: its ID is the kernel's arithmetic on the first one, whatever size
     * the module's table gives the array.
     */
    private long readElement(SysField field, int index, int element) {
        return readId(field.id().plusFieldCode(index * field.elements() + element).raw());
    }

    /** read_sys_metadata_field(), unless an earlier read failed: RDX in = the field ID, R8 out = the value. */
    private long readId(long fieldId) {
        if (failure.isPresent()) {
            return 0;
        }
        RegisterFile args = new RegisterFile().set(Gpr.RDX, fieldId);
        failure = seamcalls.prerrRet(cpu, Leaf.TDH_SYS_RD, args);
        return failure.isPresent() ? 0 : args.r8();
    }
}
