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
 * What the merged kernels (Linux 6.8 on, arch/x86/virt/vmx/tdx/tdx.c) share, whoever drives them:
 * tdx_init() at boot, tdx_cpu_enable() with SYS.INIT's remembered result, init_tdx_module() with
 * its error unwinding (kernel-init.md §1.1 to §1.3), and the memory-hotplug rule. How tdx_enable()
 * is reached, and what it says, is each release's own: KVM drives Linux 6.18
 * ({@link MainlineKernel}), today's mainline initializes the module at boot ({@link LatestKernel}).
 *
 * <p>The module-wide SEAMCALLs of init_tdx_module() (TDH.SYS.RD, TDH.SYS.CONFIG, TDH.SYS.TDMR.INIT)
 * run on the boot CPU. On success the kernel keeps the memory list, the TDMR list and the PAMTs;
 * on failure it frees them all.
 */
public abstract sealed class MergedKernel implements TdxKernel permits MainlineKernel, LatestKernel {

    /** The KeyIDs tdx_init() assigns: the first TDX KeyID is the module's, the rest are for guests. */
    public record KeyIds(long global, long firstGuest, long guestCount) {
    }

    protected final Host host;
    protected final KernelLog log;
    protected final MainlineSeamcalls seamcalls;
    private final Profile profile;
    private final HoleSource holes;
    private final PlannerKind planner;
    private final MergedRelease release;

    private boolean earlyInitDone;
    /** Present exactly when tdx_init() set X86_FEATURE_TDX_HOST_PLATFORM. */
    private Optional<KeyIds> keyIds = Optional.empty();
    private boolean memoryNotifierRegistered;

    private boolean sysinitDone;
    private Optional<Errno> sysinitResult = Optional.empty();
    private final Set<Integer> lpInitialized = new HashSet<>();

    private Optional<TdxSysInfo> sysinfo = Optional.empty();
    /** Dynamic PAMT's refcount array, while the kernel holds it. */
    private OptionalLong pamtRefcounts = OptionalLong.empty();
    private Memlist memlist = new Memlist();
    private Optional<TdmrList> tdmrList = Optional.empty();
    /** The TDMRs the last attempt built; after a success, what the kernel's TDMR list holds. */
    protected Optional<TdmrPlan> tdmrPlan = Optional.empty();

    MergedKernel(Profile profile, HoleSource holes, PlannerKind planner, Host host, Seamcall module) {
        this.host = host;
        this.log = new KernelLog(profile);
        this.seamcalls = new MainlineSeamcalls(module, log);
        this.profile = profile;
        this.holes = holes;
        this.planner = planner;
        this.release = MergedRelease.of(profile);
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

    /** Whether tdx_init() set X86_FEATURE_TDX_HOST_PLATFORM. */
    protected boolean isTdxHostPlatform() {
        return keyIds.isPresent();
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

    /**
     * init_tdx_module() (kernel-init.md §1.3 steps C to K and its error unwinding); with the Dynamic
     * PAMT series, when it uses Dynamic PAMT, the refcount array is allocated after the checks and
     * freed last on every error path (dynamic-pamt.md §3.4).
     */
    protected Optional<Errno> initTdxModule() {
        int cpu = host.config().bootCpu().id();
        MainlineMetadata.Result read = MainlineMetadata.read(seamcalls, cpu, holes, release, host.config(), log);
        sysinfo = Optional.of(read.sysinfo());
        if (release.readsVersion()) {
            log.printf("Module version: %s", read.sysinfo().version());
        }
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
        if (limits.pamtPageBitmapEntryBits().isPresent()) {
            pamtRefcounts = host.vzalloc(DynamicPamtSeries.refcountBytes(host.config()),
                    AllocationPurpose.PAMT_REFCOUNTS);
            if (pamtRefcounts.isEmpty()) {
                return Optional.of(Errno.ENOMEM);
            }
        }
        Optional<Errno> failure = initWithTdxMemory(read.sysinfo(), limits, cpu);
        if (failure.isPresent() && pamtRefcounts.isPresent()) {
            host.vfree(pamtRefcounts.getAsLong(), DynamicPamtSeries.refcountBytes(host.config()));
            pamtRefcounts = OptionalLong.empty();
        }
        return failure;
    }

    /** From get_online_mems() to the end: memory list, TDMRs, TDH.SYS.CONFIG, keys, TDMR.INIT (steps E to K). */
    private Optional<Errno> initWithTdxMemory(TdxSysInfo info, ModuleLimits limits, int cpu) {
        host.getOnlineMems();
        MemlistBuilder.Result listed = MemlistBuilder.build(host.config(), convertibleCheck(holes), info.cmrs(), host,
                log);
        memlist = listed.memlist();
        if (listed.failure().isPresent()) {
            return putOnlineMems(listed.failure());
        }
        tdmrList = TdmrList.allocate(host, limits);
        if (tdmrList.isEmpty()) {
            return freeMemlist(Optional.of(Errno.ENOMEM));
        }
        TdxMemlist tdxMemlist = memlist.toTdxMemlist();
        AddressRanges holeSource = holes == HoleSource.CMRS ? AddressRanges.of(info.cmrs()) : tdxMemlist.ranges();
        PlanResult planned = planner.construct(tdxMemlist, holeSource, limits, PlannerRules.of(profile), host, log);
        if (planned instanceof PlanResult.NotPlanned failed) {
            return freeTdmrList(Optional.of(failed.errno()));
        }
        TdmrPlan built = planned.tdmrPlan().orElseThrow();
        tdmrPlan = Optional.of(built);
        tdmrList.get().write(built);

        long configR8 = keyIds.orElseThrow().global();
        if (limits.pamtPageBitmapEntryBits().isPresent()) {
            log.print("Enable Dynamic PAMT");
            configR8 |= DynamicPamtSeries.CONFIG_ENABLE_DYNAMIC_PAMT;
        }
        Optional<Errno> failure = CommonSteps.configTdxModule(host, tdmrList.get(), built,
                tdmrPointerArrayBytes(built.tdmrs().size()), configR8, cpu, seamcalls::prerr);
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
        return isInitialized() ? sysinfo : Optional.empty();
    }

    /** Whether tdx_enable() initialized the module. */
    protected abstract boolean isInitialized();

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

    /**
     * The dry run of {@code profile}'s init_tdx_module() up to construct_tdmrs(), on a freshly booted
     * host, for a module that reports {@code offered} (with a bitmap's bits when it offers Dynamic
     * PAMT).
     */
    static PlannerSetup plannerSetup(Profile profile, HostConfig config, ModuleLimits offered, HoleSource holes,
                                     PlannerKind planner, List<Range> cmrs) {
        KernelLog log = new KernelLog(profile);
        boolean dynamicPamt = MergedRelease.of(profile).dynamicPamt() && offered.pamtPageBitmapEntryBits().isPresent()
                && DynamicPamtSeries.hostAllows(config);
        ModuleLimits limits = dynamicPamt ? offered : offered.withStaticPamt();
        if (!limits.supportedByKernel()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(Errno.EINVAL, log.lines()));
        }
        PageAllocator allocator = new PageAllocator(config);
        if (dynamicPamt && allocator.vmalloc(DynamicPamtSeries.refcountBytes(config),
                AllocationPurpose.PAMT_REFCOUNTS).isEmpty()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(Errno.ENOMEM, log.lines()));
        }
        MemlistBuilder.Result built = MemlistBuilder.build(config, convertibleCheck(holes), cmrs, allocator, log);
        if (built.failure().isPresent()) {
            return new PlannerSetup.Failed(new PlanResult.NotPlanned(built.failure().get(), log.lines()));
        }
        TdxMemlist tdxMemlist = built.memlist().toTdxMemlist();
        AddressRanges holeSource = holes == HoleSource.CMRS ? AddressRanges.of(cmrs) : tdxMemlist.ranges();
        return CommonSteps.plannerSetup(allocator, tdxMemlist, holeSource, limits, profile, planner, log);
    }
}
