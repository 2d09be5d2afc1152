package org.tdxemu.emulator.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tdxemu.emulator.module.leaf.LeafHandler;
import org.tdxemu.emulator.module.leaf.Leaves;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.module.state.ModuleMemory;
import org.tdxemu.emulator.module.state.TdmrEntry;
import org.tdxemu.emulator.platform.Hardware;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * The emulated TDX module: platform-initialization leaves with the real module's checks, order and
 * statuses, over host physical memory. Safe to call from several threads at once, one per
 * simulated CPU; a call never throws.
 *
 * <p>Leaves beyond platform initialization (the TD-management and PHYMEM leaves) are not
 * emulated: in SYS_READY they answer as unknown leaves, TDX_OPERAND_INVALID + RAX. A CPU number
 * the platform does not have answers TDX_SEAMCALL_UD, as a CPU that is not in VMX operation would.
 */
public final class TdxModule implements Seamcall {

    /** Leaves whose RAX may carry a version > 0 (the dispatcher's list; none is emulated). */
    private static final Set<Integer> VERSIONED_LEAVES = Set.of(3, 11, 22, 23, 26, 30);

    private final ModuleContext module;
    private final Map<Leaf, LeafHandler> handlers;
    private final Set<Leaf> allowedBeforeReady;
    private final List<Throwable> internalErrors = Collections.synchronizedList(new ArrayList<>());

    public TdxModule(Platform platform, ModuleSettings settings, PhysicalMemory memory) {
        this(platform, settings, memory, Hardware.IDEAL);
    }

    public TdxModule(Platform platform, ModuleSettings settings, PhysicalMemory memory, Hardware hardware) {
        this.module = new ModuleContext(platform, settings, new ModuleMemory(memory), hardware);
        this.handlers = Leaves.of(settings);
        this.allowedBeforeReady = allowedBeforeReady(settings.version());
    }

    /** The leaves the dispatcher lets through before SYS_READY (module-abi.md §1.2 step 3). */
    private static Set<Leaf> allowedBeforeReady(ModuleVersion version) {
        if (version.hasMetadataLeaves()) {
            return EnumSet.of(Leaf.TDH_SYS_INFO, Leaf.TDH_SYS_RD, Leaf.TDH_SYS_RDALL, Leaf.TDH_SYS_INIT,
                    Leaf.TDH_SYS_LP_INIT, Leaf.TDH_SYS_CONFIG, Leaf.TDH_SYS_KEY_CONFIG, Leaf.TDH_SYS_LP_SHUTDOWN,
                    Leaf.TDH_SYS_UPDATE);
        }
        return EnumSet.of(Leaf.TDH_SYS_INFO, Leaf.TDH_SYS_INIT, Leaf.TDH_SYS_LP_INIT, Leaf.TDH_SYS_CONFIG,
                Leaf.TDH_SYS_KEY_CONFIG, Leaf.TDH_SYS_LP_SHUTDOWN);
    }

    @Override
    public long call(int cpu, RegisterFile registers) {
        long status;
        if (cpu < 0 || cpu >= module.lps.length) {
            status = StatusCode.TDX_SEAMCALL_UD.value();
        } else {
            LogicalProcessor lp = module.lps[cpu];
            synchronized (lp) {
                lp.busy = true;
                try {
                    status = dispatch(lp, registers);
                } catch (RuntimeException | Error e) {
                    // A bug of the emulator, never an answer of the module: recorded for tests to fail on.
                    internalErrors.add(e);
                    status = StatusCode.UNINITIALIZE_ERROR.value();
                } finally {
                    lp.busy = false;
                }
            }
        }
        registers.set(Gpr.RAX, status);
        return status;
    }

    /** module-abi.md §1.2: RAX, then SHUTDOWN gating, then NOT_READY gating, then the leaf. */
    private long dispatch(LogicalProcessor lp, RegisterFile registers) {
        long rax = registers.rax();
        int leafNumber;
        if (module.version.hasVersionedRax()) {
            LeafSelector selector = LeafSelector.decode(rax);
            if (selector.hasReservedBits()
                    || (selector.version() > 0 && !VERSIONED_LEAVES.contains(selector.leafNumber()))) {
                return Statuses.operandInvalid(Gpr.RAX);
            }
            leafNumber = selector.leafNumber();
        } else {
            if ((rax & ~(long) LeafSelector.LEAF_MASK) != 0) {
                return Statuses.operandInvalid(Gpr.RAX);
            }
            leafNumber = (int) rax;
        }
        Leaf leaf = Leaf.ofNumber(leafNumber).orElse(null);
        SysState state = module.state;
        if (state == SysState.SYS_SHUTDOWN && leaf != Leaf.TDH_SYS_LP_SHUTDOWN) {
            return StatusCode.TDX_SYS_SHUTDOWN.value();
        }
        if (state != SysState.SYS_READY && (leaf == null || !allowedBeforeReady.contains(leaf))) {
            return StatusCode.TDX_SYS_NOT_READY.value();
        }
        LeafHandler handler = leaf == null ? null : handlers.get(leaf);
        if (handler == null) {
            return Statuses.operandInvalid(Gpr.RAX);
        }
        return handler.execute(module, lp, registers);
    }

    public Platform platform() {
        return module.platform;
    }

    public ModuleSettings settings() {
        return module.settings;
    }

    /** Exceptions the emulator caught inside a SEAMCALL: each is a bug; a correct emulator has none. */
    public List<Throwable> internalErrors() {
        synchronized (internalErrors) {
            return List.copyOf(internalErrors);
        }
    }

    public SysState state() {
        return module.state;
    }

    public ModuleStatus status() {
        List<Integer> cpus = new ArrayList<>();
        for (LogicalProcessor lp : module.lps) {
            if (lp.initialized) {
                cpus.add(lp.cpu);
            }
        }
        List<ModuleStatus.TdmrProgress> tdmrs = new ArrayList<>();
        for (int i = 0; i < module.tdmrCount; i++) {
            TdmrEntry e = module.tdmrTable[i];
            tdmrs.add(new ModuleStatus.TdmrProgress(e.base, e.size, e.next()));
        }
        return new ModuleStatus(module.state, cpus, module.packageBitmap.get(), module.configuredPackages.get(),
                module.hkid, tdmrs, module.dynamicPamt);
    }

    /** For tests in this package: the module's internals. */
    ModuleContext context() {
        return module;
    }
}
