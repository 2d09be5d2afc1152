package org.tdxemu.kernel.init;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
import org.tdxemu.kernel.planner.AddressRanges;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.kernel.planner.PlannerRules;
import org.tdxemu.kernel.planner.Tdmr;
import org.tdxemu.kernel.planner.TdmrPlan;
import org.tdxemu.kernel.planner.TdxMemblock;
import org.tdxemu.kernel.planner.TdxMemlist;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * arch/x86/virt/vmx/tdx/tdx.c of Linux 6.18 (kernel-init.md, M618 with M616's metadata), driven
 * as KVM drives it: tdx_init() at boot, tdx_cpu_enable() on each online CPU, then tdx_enable().
 *
 * <p>The module-wide SEAMCALLs of tdx_enable() (TDH.SYS.RD, TDH.SYS.CONFIG, TDH.SYS.TDMR.INIT) run
 * on the CPU that calls it, taken to be the boot CPU. On success the kernel keeps the memory list,
 * the TDMR list and the PAMTs; on failure it frees them all and stays in the error state.
 */
public final class MainlineKernel implements TdxKernel {

    /** The KeyIDs tdx_init() assigns: the first TDX KeyID is the module's, the rest are for guests. */
    public record KeyIds(long global, long firstGuest, long guestCount) {
    }

    private enum ModuleStatus { UNINITIALIZED, INITIALIZED, ERROR }

    private final HoleSource holes;
    private final PlannerKind planner;
    private final Host host;
    private final KernelLog log = new KernelLog(Profile.MAINLINE);
    private final MainlineSeamcalls seamcalls;

    private boolean earlyInitDone;
    /** Present exactly when tdx_init() set X86_FEATURE_TDX_HOST_PLATFORM. */
    private Optional<KeyIds> keyIds = Optional.empty();
    private boolean memoryNotifierRegistered;

    private boolean sysinitDone;
    private Optional<Errno> sysinitResult = Optional.empty();
    private final Set<Integer> lpInitialized = new HashSet<>();

    private ModuleStatus status = ModuleStatus.UNINITIALIZED;
    private Optional<TdxSysInfo> sysinfo = Optional.empty();
    private Memlist memlist = new Memlist();
    private Optional<TdmrList> tdmrList = Optional.empty();
    /** The TDMRs the last attempt built; after a success, what the kernel's TDMR list holds. */
    private Optional<TdmrPlan> tdmrPlan = Optional.empty();

    /** A kernel with the kernel's own planner. */
    public MainlineKernel(HoleSource holes, Host host, Seamcall module) {
        this(holes, PlannerKind.KERNEL, host, module);
    }

    public MainlineKernel(HoleSource holes, PlannerKind planner, Host host, Seamcall module) {
        this.holes = holes;
        this.planner = planner;
        this.host = host;
        this.seamcalls = new MainlineSeamcalls(module, log);
    }

    @Override
    public InitResult boot() {
        earlyInit();
        for (Cpu cpu : host.config().onlineCpus()) {
            Optional<Errno> failure = tdxCpuEnable(cpu.id());
            if (failure.isPresent()) {
                return new InitResult.Failed(failure.get(), Optional.empty(), log.lines());
            }
        }
        return tdxEnable();
    }

    /** tdx_init() (kernel-init.md §1.1). */
    @Override
    public void earlyInit() {
        if (earlyInitDone) {
            throw new IllegalStateException("tdx_init() runs once, at boot");
        }
        earlyInitDone = true;
        HostConfig config = host.config();
        Optional<KeyIdPartitioningMsr> partitioning = CommonSteps.tdxKeyIds(config);
        if (partitioning.isEmpty()) {
            return;
        }
        long nrTdxKeyIds = partitioning.get().tdxKeyIds();
        long start = partitioning.get().firstTdxKeyId();
        log.printf("BIOS enabled: private KeyID range [%d, %d)", start, partitioning.get().tdxKeyIdEnd());
        if (nrTdxKeyIds < 2) {
            log.print("initialization failed: too few private KeyIDs available.");
            return;
        }
        if (config.hibernationAvailable()) {
            log.print("initialization failed: Hibernation support is enabled");
            return;
        }
        memoryNotifierRegistered = true;
        if (config.acpiSuspend()) {
            log.print("Disable ACPI S3. Turn off TDX in the BIOS to use ACPI S3.");
        }
        keyIds = Optional.of(new KeyIds(start, start + 1, nrTdxKeyIds - 1));
    }

    /**
     * tdx_cpu_enable() on {@code cpu} (kernel-init.md §1.3 steps A and B): TDH.SYS.INIT the first
     * time any CPU gets here, its result kept for every later caller; then TDH.SYS.LP.INIT, which a
     * CPU runs again on each call until it has succeeded there.
     */
    public Optional<Errno> tdxCpuEnable(int cpu) {
        if (host.config().onlineCpus().stream().noneMatch(c -> c.id() == cpu)) {
            throw new IllegalArgumentException("CPU " + cpu + " is not online");
        }
        if (keyIds.isEmpty()) {
            return Optional.of(Errno.ENODEV);
        }
        if (lpInitialized.contains(cpu)) {
            return Optional.empty();
        }
        Optional<Errno> failure = tryInitModuleGlobal(cpu);
        if (failure.isPresent()) {
            return failure;
        }
        failure = seamcalls.prerr(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile());
        if (failure.isPresent()) {
            return failure;
        }
        lpInitialized.add(cpu);
        return Optional.empty();
    }

    private Optional<Errno> tryInitModuleGlobal(int cpu) {
        if (!sysinitDone) {
            // RCX is the module attributes; all of its bits are reserved.
            sysinitResult = seamcalls.prerr(cpu, Leaf.TDH_SYS_INIT, new RegisterFile().set(Gpr.RCX, 0));
            if (sysinitResult.equals(Optional.of(Errno.ENODEV))) {
                log.print("module not loaded");
            }
            sysinitDone = true;
        }
        return sysinitResult;
    }

    /** tdx_enable() (kernel-init.md §1.4): the module is initialized once; a failure is final. */
    @Override
    public InitResult tdxEnable() {
        if (keyIds.isEmpty()) {
            return new InitResult.Failed(Errno.ENODEV, Optional.empty(), log.lines());
        }
        return switch (status) {
            case UNINITIALIZED -> initialize();
            case INITIALIZED -> new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
            case ERROR -> new InitResult.Failed(Errno.EINVAL, Optional.empty(), log.lines());
        };
    }

    /** __tdx_enable(). */
    private InitResult initialize() {
        Optional<Errno> failure = initTdxModule();
        if (failure.isPresent()) {
            log.printf("module initialization failed (%d)", failure.get().kernelReturn());
            status = ModuleStatus.ERROR;
            return new InitResult.Failed(failure.get(), tdmrPlan, log.lines());
        }
        log.print("module initialized");
        status = ModuleStatus.INITIALIZED;
        return new InitResult.Initialized(tdmrPlan.orElseThrow(), log.lines());
    }

    /** init_tdx_module() (kernel-init.md §1.3 steps C to K and its error unwinding). */
    private Optional<Errno> initTdxModule() {
        int cpu = host.config().bootCpu().id();
        MainlineMetadata.Result read = MainlineMetadata.read(seamcalls, cpu, holes, log);
        sysinfo = Optional.of(read.sysinfo());
        if (read.failure().isPresent()) {
            return read.failure();
        }
        if ((read.sysinfo().tdxFeatures0() & TdxSysInfo.TDX_FEATURES0_NO_RBP_MOD) == 0) {
            log.print("frame pointer (RBP) clobber bug present, upgrade TDX module");
            return Optional.of(Errno.EINVAL);
        }
        ModuleLimits limits = read.sysinfo().tdmr();
        if (!limits.supportedByKernel()) {
            return Optional.of(Errno.EINVAL);
        }

        host.getOnlineMems();
        MemlistBuilder.Result listed = MemlistBuilder.build(host.config(), convertibleCheck(holes),
                read.sysinfo().cmrs(), host, log);
        memlist = listed.memlist();
        if (listed.failure().isPresent()) {
            return putOnlineMems(listed.failure());
        }
        tdmrList = TdmrList.allocate(host, limits);
        if (tdmrList.isEmpty()) {
            return freeMemlist(Optional.of(Errno.ENOMEM));
        }
        TdxMemlist tdxMemlist = memlist.toTdxMemlist();
        AddressRanges holeSource = holes == HoleSource.CMRS ? AddressRanges.of(read.sysinfo().cmrs()) : tdxMemlist.ranges();
        PlanResult planned = planner.construct(tdxMemlist, holeSource, limits, PlannerRules.of(Profile.MAINLINE), host,
                log);
        if (planned instanceof PlanResult.NotPlanned failed) {
            return freeTdmrList(Optional.of(failed.errno()));
        }
        TdmrPlan built = planned.tdmrPlan().orElseThrow();
        tdmrPlan = Optional.of(built);
        tdmrList.get().write(built);

        Optional<Errno> failure = CommonSteps.configTdxModule(host, tdmrList.get(), built,
                tdmrPointerArrayBytes(built.tdmrs().size()), keyIds.orElseThrow().global(), cpu, seamcalls::prerr);
        if (failure.isPresent()) {
            return freePamts(failure);
        }
        failure = configGlobalKeyid();
        if (failure.isPresent()) {
            return resetPamts(failure);
        }
        failure = CommonSteps.initTdmrs(built, cpu, seamcalls::prerrRet);
        if (failure.isPresent()) {
            return resetPamts(failure);
        }
        log.printf("%d KB allocated for PAMT", built.pamtKb());
        return putOnlineMems(Optional.empty());
    }

    static MemlistBuilder.ConvertibleCheck convertibleCheck(HoleSource holes) {
        return holes == HoleSource.CMRS ? MemlistBuilder.ConvertibleCheck.CMR_FIX : MemlistBuilder.ConvertibleCheck.NONE;
    }

    /**
     * err_reset_pamts: the module may have written PAMTs through the global KeyID, so flush the
     * caches; then, only on CPUs with the partial-write erratum, turn the PAMTs back into normal
     * memory with MOVDIR64B (tdx_quirk_reset_paddr()).
     */
    private Optional<Errno> resetPamts(Optional<Errno> failure) {
        host.wbinvdOnAllCpus();
        if (host.config().partialWriteErratum()) {
            for (Tdmr tdmr : tdmrPlan.orElseThrow().tdmrs()) {
                host.movdir64bZero(tdmr.pamtChunk());
            }
        }
        return freePamts(failure);
    }

    /** err_free_pamts. */
    private Optional<Errno> freePamts(Optional<Errno> failure) {
        CommonSteps.freePamts(host, tdmrPlan.orElseThrow());
        return freeTdmrList(failure);
    }

    /** err_free_tdmrs. */
    private Optional<Errno> freeTdmrList(Optional<Errno> failure) {
        tdmrList.orElseThrow().free();
        tdmrList = Optional.empty();
        return freeMemlist(failure);
    }

    /** err_free_tdxmem. */
    private Optional<Errno> freeMemlist(Optional<Errno> failure) {
        memlist.free(host);
        return putOnlineMems(failure);
    }

    /** out_put_tdxmem. */
    private Optional<Errno> putOnlineMems(Optional<Errno> result) {
        host.putOnlineMems();
        return result;
    }

    /** A power-of-two kmalloc is aligned to its size, which gives the array its alignment (kernel-init.md §2.2). */
    static long tdmrPointerArrayBytes(int tdmrCount) {
        return Math.max(Page.roundUpPowerOfTwo((long) tdmrCount * TdmrPointerArray.ENTRY_BYTES),
                TdmrPointerArray.ALIGNMENT);
    }

    /**
     * config_global_keyid() (kernel-init.md §1.3 step I): flush the caches, then TDH.SYS.KEY.CONFIG
     * on the first online CPU of each package, one package at a time, stopping at the first failure.
     * With no online CPU at all it is -EINVAL.
     */
    private Optional<Errno> configGlobalKeyid() {
        OptionalLong packages = host.kzalloc(CommonSteps.cpumaskBytes(host.config()), AllocationPurpose.PACKAGE_CPUMASK);
        if (packages.isEmpty()) {
            return Optional.of(Errno.ENOMEM);
        }
        host.wbinvdOnAllCpus();
        Optional<Errno> result = Optional.of(Errno.EINVAL);
        for (Cpu cpu : CommonSteps.firstOnlineCpuOfEachPackage(host.config())) {
            result = seamcalls.prerr(cpu.id(), Leaf.TDH_SYS_KEY_CONFIG, new RegisterFile());
            if (result.isPresent()) {
                break;
            }
        }
        host.kfree(packages.getAsLong());
        return result;
    }

    /** tdx_memory_notifier() on MEM_GOING_ONLINE, registered by tdx_init() on a TDX host. */
    @Override
    public boolean memoryGoingOnline(Range range) {
        return !memoryNotifierRegistered || CommonSteps.mayGoOnline(memlist, range);
    }

    /** The KeyIDs tdx_init() assigned, if this is a TDX host. */
    public Optional<KeyIds> keyIds() {
        return keyIds;
    }

    /** tdx_get_sysinfo(): the module's metadata, once the module is initialized. */
    public Optional<TdxSysInfo> sysinfo() {
        return status == ModuleStatus.INITIALIZED ? sysinfo : Optional.empty();
    }

    /** tdx_memlist as it stands. */
    public List<TdxMemblock> tdxMemlist() {
        return memlist.blocks();
    }

    @Override
    public KernelLog log() {
        return log;
    }

    @Override
    public Host host() {
        return host;
    }

    static PlannerSetup plannerSetup(HostConfig config, ModuleLimits limits, HoleSource holes, PlannerKind planner,
                                     List<Range> cmrs) {
        KernelLog log = new KernelLog(Profile.MAINLINE);
        if (!limits.supportedByKernel()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(Errno.EINVAL, log.lines()));
        }
        PageAllocator allocator = new PageAllocator(config);
        MemlistBuilder.Result built = MemlistBuilder.build(config, convertibleCheck(holes), cmrs, allocator, log);
        if (built.failure().isPresent()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(built.failure().get(), log.lines()));
        }
        TdxMemlist tdxMemlist = built.memlist().toTdxMemlist();
        AddressRanges holeSource = holes == HoleSource.CMRS ? AddressRanges.of(cmrs) : tdxMemlist.ranges();
        return CommonSteps.plannerSetup(allocator, tdxMemlist, holeSource, limits, Profile.MAINLINE, planner, log);
    }
}
