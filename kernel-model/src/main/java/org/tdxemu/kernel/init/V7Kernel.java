package org.tdxemu.kernel.init;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.AllocationPurpose;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.Host;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.host.Page;
import org.tdxemu.kernel.host.PageAllocator;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.PlannerRules;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.planner.TdxMemblock;
import org.tdxemu.kernel.planner.TdxMemlist;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.layout.TdSysInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * The November 2022 v7 series' tdx.c (kernel-init.md, label V7): tdx_enable() does everything
 * itself, TDH.SYS.INIT and LP.INIT included, enumerates the module with TDH.SYS.INFO, and on any
 * failure but a missing module shuts the module down and returns -EFAULT.
 *
 * <p>The single-CPU SEAMCALLs run on the CPU that calls tdx_enable(), taken to be the boot CPU;
 * the ones on_each_cpu() runs concurrently are issued in ascending CPU order. The TDMR array is
 * freed after every attempt; on success the kernel keeps the memory list and the PAMTs.
 *
 * <p>The series' bugs are kept: a failed SYS.INIT, LP.INIT or SYS.INFO drops the memory-hotplug
 * lock it never took; a region outside the CMRs leaves the memory list built so far in place; and
 * an invalid first CMR prints the "BIOS-CMR" list with a count that was never set, which the model
 * takes to be zero.
 */
public final class V7Kernel implements TdxKernel {

    private enum ModuleStatus { UNKNOWN, NONE, INITIALIZED, SHUTDOWN }

    /** The kernel image's tdx_sysinfo (1024-aligned) and tdx_cmr_array (512-aligned), one after the other. */
    private static final long STATIC_BUFFER_BYTES = TdSysInfo.BYTES + CmrInfoArray.BYTES;

    private final PlannerKind planner;
    private final Host host;
    private final KernelLog log = new KernelLog(Profile.V7);
    private final V7Seamcalls seamcalls;
    private final long sysinfoBuffer;
    private final long cmrArray;

    private boolean earlyInitDone;
    private long keyIdStart;
    /** tdx_keyid_num: 0 unless tdx_init() found TDX usable. */
    private long keyIdCount;
    private ModuleStatus status = ModuleStatus.UNKNOWN;
    private List<Range> cmrs = List.of();
    private Memlist memlist = new Memlist();
    /** The TDMRs the last attempt built. */
    private Optional<TdmrPlan> tdmrPlan = Optional.empty();

    /** A kernel with the kernel's own planner. */
    public V7Kernel(Host host, Seamcall module) {
        this(PlannerKind.KERNEL, host, module);
    }

    /** The kernel image's static buffers come out of {@code host}'s memory now, for good. */
    public V7Kernel(PlannerKind planner, Host host, Seamcall module) {
        this.planner = planner;
        this.host = host;
        this.seamcalls = new V7Seamcalls(module, log);
        this.sysinfoBuffer = host.allocZeroedPagesExact(STATIC_BUFFER_BYTES, AllocationPurpose.KERNEL_STATIC)
                .orElseThrow(() -> new IllegalStateException("no memory for the kernel image's TDX buffers"));
        this.cmrArray = sysinfoBuffer + TdSysInfo.BYTES;
    }

    @Override
    public InitResult boot() {
        earlyInit();
        return tdxEnable();
    }

    /** The early_initcall tdx_init(): detect_tdx(), then refuse one KeyID or xAPIC mode. */
    @Override
    public void earlyInit() {
        if (earlyInitDone) {
            throw new IllegalStateException("tdx_init() runs once, at boot");
        }
        earlyInitDone = true;
        Optional<KeyIdPartitioningMsr> partitioning = CommonSteps.tdxKeyIds(host.config());
        if (partitioning.isEmpty()) {
            return;
        }
        long start = partitioning.get().firstTdxKeyId();
        long count = partitioning.get().tdxKeyIds();
        log.printf("TDX enabled by BIOS. TDX private KeyID range: [%d, %d)", start, partitioning.get().tdxKeyIdEnd());
        if (count < 2) {
            log.print("Disable TDX as there's only one TDX private KeyID available.");
            return;
        }
        if (!host.config().x2apicEnabled()) {
            log.print("Disable TDX as X2APIC is not enabled.");
            return;
        }
        keyIdStart = start;
        keyIdCount = count;
    }

    /** tdx_enable(). */
    @Override
    public InitResult tdxEnable() {
        if (keyIdCount == 0) {
            return failed(Errno.ENODEV, Optional.empty());
        }
        return switch (status) {
            case UNKNOWN -> initialize();
            case NONE -> failed(Errno.ENODEV, Optional.empty());
            case INITIALIZED -> new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
            case SHUTDOWN -> failed(Errno.EFAULT, Optional.empty());
        };
    }

    /** __tdx_enable(). */
    private InitResult initialize() {
        if (host.config().cpus().stream().anyMatch(cpu -> !cpu.online())) {
            log.print("Unable to initialize the TDX module when there's offline CPU(s).");
            return failed(Errno.EINVAL, Optional.empty());
        }
        Optional<Errno> failure = initTdxModule();
        if (failure.equals(Optional.of(Errno.ENODEV))) {
            log.print("TDX module is not loaded.");
            status = ModuleStatus.NONE;
            return failed(Errno.ENODEV, tdmrPlan);
        }
        if (failure.isPresent()) {
            log.print("Failed to initialize TDX module. Shut it down.");
            shutdownTdxModule();
            status = ModuleStatus.SHUTDOWN;
            return failed(Errno.EFAULT, tdmrPlan);
        }
        log.print("TDX module initialized.");
        status = ModuleStatus.INITIALIZED;
        return new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
    }

    private InitResult failed(Errno errno, Optional<TdmrPlan> built) {
        return new InitResult.Failed(errno, built, log.lines());
    }

    /** shutdown_tdx_module(): TDH.SYS.LP.SHUTDOWN on every online CPU, results ignored. */
    private void shutdownTdxModule() {
        for (Cpu cpu : host.config().onlineCpus()) {
            seamcalls.seamcall(cpu.id(), Leaf.TDH_SYS_LP_SHUTDOWN, new RegisterFile());
        }
    }

    /** init_tdx_module() at patch 18/20, with its labels. */
    private Optional<Errno> initTdxModule() {
        int cpu = host.config().bootCpu().id();
        Optional<Errno> failure = seamcalls.seamcall(cpu, Leaf.TDH_SYS_INIT, new RegisterFile());
        if (failure.isPresent()) {
            return putOnlineMems(failure);
        }
        failure = initCpus();
        if (failure.isPresent()) {
            return putOnlineMems(failure);
        }
        failure = getSysinfo(cpu);
        if (failure.isPresent()) {
            return putOnlineMems(failure);
        }

        host.getOnlineMems();
        MemlistBuilder.Result listed = MemlistBuilder.build(host.config(), MemlistBuilder.ConvertibleCheck.V7, cmrs,
                host, log);
        memlist = listed.memlist();
        if (listed.failure().isPresent()) {
            return putOnlineMems(listed.failure());
        }
        ModuleLimits limits = moduleLimits();
        if (!limits.supportedByKernel()) {
            return freeMemlistOnError(Optional.of(Errno.EINVAL));
        }
        Optional<TdmrList> tdmrArray = TdmrList.allocate(host, limits);
        if (tdmrArray.isEmpty()) {
            return freeMemlistOnError(Optional.of(Errno.ENOMEM));
        }
        TdxMemlist tdxMemlist = memlist.toTdxMemlist();
        PlanResult planned = planner.construct(tdxMemlist, tdxMemlist.ranges(), limits, PlannerRules.of(Profile.V7),
                host, log);
        if (planned instanceof PlanResult.NotPlanned failed) {
            return freeTdmrArray(tdmrArray.get(), Optional.of(failed.errno()));
        }
        TdmrPlan built = planned.tdmrPlan().orElseThrow();
        tdmrPlan = Optional.of(built);
        tdmrArray.get().write(built);

        // The first TDX KeyID protects the module's metadata.
        failure = CommonSteps.configTdxModule(host, tdmrArray.get(), built, tdmrPointerArrayBytes(built.tdmrs().size()),
                keyIdStart, cpu, seamcalls::seamcall);
        if (failure.isEmpty()) {
            host.wbinvdOnAllCpus();
            failure = configGlobalKeyid();
        }
        if (failure.isEmpty()) {
            failure = CommonSteps.initTdmrs(built, cpu, seamcalls::seamcall);
        }
        return freePamtsOnError(built, tdmrArray.get(), failure);
    }

    /**
     * out_free_pamts: on error, flush the caches the module may have filled through the global
     * KeyID and free the PAMTs (no MOVDIR64B: KeyID 0 has no integrity check); on success, print
     * the PAMT's page count.
     */
    private Optional<Errno> freePamtsOnError(TdmrPlan built, TdmrList tdmrArray, Optional<Errno> failure) {
        if (failure.isPresent()) {
            host.wbinvdOnAllCpus();
            CommonSteps.freePamts(host, built);
        } else {
            log.printf("%d pages allocated for PAMT.", built.pamtBytes() >>> Page.SHIFT);
        }
        return freeTdmrArray(tdmrArray, failure);
    }

    /** out_free_tdmrs: the TDMR array goes, whatever the outcome. */
    private Optional<Errno> freeTdmrArray(TdmrList tdmrArray, Optional<Errno> failure) {
        tdmrArray.free();
        return freeMemlistOnError(failure);
    }

    /** out_free_tdx_mem. */
    private Optional<Errno> freeMemlistOnError(Optional<Errno> failure) {
        if (failure.isPresent()) {
            memlist.free(host);
        }
        return putOnlineMems(failure);
    }

    /** out. */
    private Optional<Errno> putOnlineMems(Optional<Errno> result) {
        host.putOnlineMems();
        return result;
    }

    /** tdx_module_init_cpus(): LP.INIT on every online CPU; any failure anywhere is -EFAULT. */
    private Optional<Errno> initCpus() {
        Optional<Errno> result = Optional.empty();
        for (Cpu cpu : host.config().onlineCpus()) {
            if (seamcalls.seamcall(cpu.id(), Leaf.TDH_SYS_LP_INIT, new RegisterFile()).isPresent()) {
                result = Optional.of(Errno.EFAULT);
            }
        }
        return result;
    }

    /** tdx_get_sysinfo(): TDH.SYS.INFO into the static buffers, the module line, then trim_empty_cmrs(). */
    private Optional<Errno> getSysinfo(int cpu) {
        RegisterFile args = new RegisterFile().set(Gpr.RCX, sysinfoBuffer).set(Gpr.RDX, TdSysInfo.BYTES)
                .set(Gpr.R8, cmrArray).set(Gpr.R9, CmrInfoArray.MAX_CMRS);
        Optional<Errno> failure = seamcalls.seamcall(cpu, Leaf.TDH_SYS_INFO, args);
        if (failure.isPresent()) {
            return failure;
        }
        // R9 holds the number of CMR entries written; an int in the kernel.
        int cmrCount = (int) args.r9();
        TdSysInfo info = TdSysInfo.at(host.memory(), sysinfoBuffer);
        log.printf("TDX module: atributes 0x%x, vendor_id 0x%x, major_version %d, minor_version %d, build_date %d,"
                + " build_num %d", info.attributes(), info.vendorId(), info.majorVersion(), info.minorVersion(),
                info.buildDate(), info.buildNum());
        // The kernel walks as many entries as R9 says; the model checks the array holds that many.
        if (cmrCount > CmrInfoArray.MAX_CMRS) {
            log.warnOn("tdx_get_sysinfo(): more CMRs than CMR_INFO holds");
            return Optional.of(Errno.EINVAL);
        }
        return trimEmptyCmrs(cmrCount);
    }

    /** trim_empty_cmrs() (kernel-init.md §2.4): CMR 0 must be valid; the list ends at the first empty entry. */
    private Optional<Errno> trimEmptyCmrs(int reported) {
        CmrInfoArray array = CmrInfoArray.at(host.memory(), cmrArray);
        if (array.size(0) == 0 || !pageAligned(array, 0)) {
            log.warnOn("trim_empty_cmrs(): CMR 0 empty or not 4K aligned");
            return invalidCmrs(array, 0);
        }
        int count = 1;
        while (count < reported && array.size(count) != 0) {
            if (!pageAligned(array, count)
                    || Long.compareUnsigned(array.base(count - 1) + array.size(count - 1), array.base(count)) > 0) {
                log.warnOn("trim_empty_cmrs(): CMR " + count + " not 4K aligned, or below its predecessor's end");
                return invalidCmrs(array, reported);
            }
            count++;
        }
        List<Range> checked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            checked.add(Range.ofSize(array.base(i), array.size(i)));
            log.printf("Kernel-checked-CMR : [0x%x, 0x%x)", array.base(i), array.base(i) + array.size(i));
        }
        cmrs = List.copyOf(checked);
        return Optional.empty();
    }

    private static boolean pageAligned(CmrInfoArray array, int index) {
        return Page.isAligned(array.base(index)) && Page.isAligned(array.size(index));
    }

    private Optional<Errno> invalidCmrs(CmrInfoArray array, int printed) {
        log.print("[TDX broken ?]: Invalid CMRs detected");
        for (int i = 0; i < printed; i++) {
            log.printf("BIOS-CMR : [0x%x, 0x%x)", array.base(i), array.base(i) + array.size(i));
        }
        return Optional.of(Errno.EINVAL);
    }

    /** The limits in TDSYSINFO_STRUCT, whose one PAMT entry size serves all three page sizes. */
    private ModuleLimits moduleLimits() {
        TdSysInfo info = TdSysInfo.at(host.memory(), sysinfoBuffer);
        return ModuleLimits.uniform(info.maxTdmrs(), info.maxReservedPerTdmr(), info.pamtEntrySize());
    }

    /** The array rounded up to its alignment, which v7 counted on kzalloc() to honour (kernel-init.md §2.2). */
    static long tdmrPointerArrayBytes(int tdmrCount) {
        return Page.alignUp((long) tdmrCount * TdmrPointerArray.ENTRY_BYTES, TdmrPointerArray.ALIGNMENT);
    }

    /** config_global_keyid() through seamcall_on_each_package_serialized(): any failure is -EFAULT. */
    private Optional<Errno> configGlobalKeyid() {
        OptionalLong packages = host.kzalloc(CommonSteps.cpumaskBytes(host.config()), AllocationPurpose.PACKAGE_CPUMASK);
        if (packages.isEmpty()) {
            return Optional.of(Errno.ENOMEM);
        }
        Optional<Errno> result = Optional.empty();
        for (Cpu cpu : CommonSteps.firstOnlineCpuOfEachPackage(host.config())) {
            if (seamcalls.seamcall(cpu.id(), Leaf.TDH_SYS_KEY_CONFIG, new RegisterFile()).isPresent()) {
                result = Optional.of(Errno.EFAULT);
                break;
            }
        }
        host.kfree(packages.getAsLong());
        return result;
    }

    /** tdx_cc_memory_compatible(): before a successful init, any memory may go online. */
    @Override
    public boolean memoryGoingOnline(Range range) {
        return CommonSteps.mayGoOnline(memlist, range);
    }

    /** tdx_memlist as it stands. */
    public List<TdxMemblock> tdxMemlist() {
        return memlist.blocks();
    }

    /** The CMRs trim_empty_cmrs() kept. */
    public List<Range> cmrs() {
        return cmrs;
    }

    @Override
    public KernelLog log() {
        return log;
    }

    @Override
    public Host host() {
        return host;
    }

    static PlannerSetup plannerSetup(HostConfig config, ModuleLimits limits, PlannerKind planner, List<Range> cmrs) {
        KernelLog log = new KernelLog(Profile.V7);
        PageAllocator allocator = new PageAllocator(config);
        if (allocator.allocPagesExact(STATIC_BUFFER_BYTES, AllocationPurpose.KERNEL_STATIC).isEmpty()) {
            throw new IllegalStateException("no memory for the kernel image's TDX buffers");
        }
        MemlistBuilder.Result listed = MemlistBuilder.build(config, MemlistBuilder.ConvertibleCheck.V7, cmrs, allocator,
                log);
        if (listed.failure().isPresent()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(listed.failure().get(), log.lines()));
        }
        if (!limits.supportedByKernel()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(Errno.EINVAL, log.lines()));
        }
        TdxMemlist tdxMemlist = listed.memlist().toTdxMemlist();
        return CommonSteps.plannerSetup(allocator, tdxMemlist, tdxMemlist.ranges(), limits, Profile.V7, planner, log);
    }
}
