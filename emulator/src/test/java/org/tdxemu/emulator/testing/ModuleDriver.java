package org.tdxemu.emulator.testing;

import java.util.List;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.tdxemu.emulator.memory.SparseHostMemory;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.module.TdxModule;
import org.tdxemu.emulator.platform.LogicalCpu;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * A TDX module over sparse host memory, driven only through SEAMCALLs and host writes, as a host
 * would: brings it to SYSINIT_DONE, SYSCONFIG_DONE or SYS_READY through the real leaves, writes
 * TDMR_INFO arrays, initializes TDMRs. A step that must succeed and does not throws
 * {@link IllegalStateException} naming the status. Close it to release the host memory.
 */
public final class ModuleDriver implements AutoCloseable {

    /** Where {@link #writeTdmrs(List)} puts the pointer array, the TDMR_INFO entries following it. */
    public static final long SCRATCH = 0x10_0000;
    /** The stride of the TDMR_INFO entries it writes, as Linux allocates them. */
    public static final long TDMR_INFO_STRIDE = TdmrInfo.ALIGNMENT;

    private final TdxModule module;
    private final SparseHostMemory memory;

    public ModuleDriver(Platform platform, ModuleSettings settings, List<Range> installed) {
        this(platform, settings, installed, UnaryOperator.identity());
    }

    /**
     * The module sees host memory through {@code moduleView} (to record or disturb its accesses);
     * the driver's own writes go to the memory directly.
     */
    public ModuleDriver(Platform platform, ModuleSettings settings, List<Range> installed,
                        UnaryOperator<PhysicalMemory> moduleView) {
        this.memory = new SparseHostMemory(installed, platform.memoryAddressBits());
        this.module = new TdxModule(platform, settings, moduleView.apply(memory));
    }

    /** A 1.5 module on {@code platform}, with memory at every address the platform decodes. */
    public static ModuleDriver over(Platform platform) {
        return over(platform, ModuleSettings.defaults(ModuleVersion.V1_5));
    }

    public static ModuleDriver over(Platform platform, ModuleSettings settings) {
        return new ModuleDriver(platform, settings, List.of(new Range(0, 1L << platform.memoryAddressBits())));
    }

    /** Two packages of two CPUs, the default KeyIDs (31 MKTME, 32 TDX, 6 bits), these CMRs. */
    public static Platform platform(List<Range> cmrs) {
        return Platform.builder().cpus(2, 2).cmrRanges(cmrs).build();
    }

    public TdxModule module() {
        return module;
    }

    public SparseHostMemory memory() {
        return memory;
    }

    /** The first private KeyID: what Linux passes to TDH.SYS.CONFIG. */
    public int globalHkid() {
        return module.platform().keyIds().privateHkidMin();
    }

    public long call(int cpu, Leaf leaf, RegisterFile registers) {
        return module.call(cpu, leaf, registers);
    }

    /** TDH.SYS.INIT, then TDH.SYS.LP.INIT on every CPU: the module is in SYSINIT_DONE. */
    public ModuleDriver sysInitDone() {
        require("TDH.SYS.INIT", call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
        for (LogicalCpu cpu : module.platform().cpus()) {
            require("TDH.SYS.LP.INIT on CPU " + cpu.id(), call(cpu.id(), Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
        }
        return this;
    }

    /** SYSINIT_DONE, then a successful TDH.SYS.CONFIG of {@code tdmrs}. */
    public ModuleDriver configured(List<TdmrSpec> tdmrs) {
        return configured(tdmrs, globalHkid());
    }

    /** SYSINIT_DONE, then a successful TDH.SYS.CONFIG of {@code tdmrs} with {@code r8} (R8 bit 16: Dynamic PAMT). */
    public ModuleDriver configured(List<TdmrSpec> tdmrs, long r8) {
        sysInitDone();
        require("TDH.SYS.CONFIG", config(writeTdmrs(tdmrs), tdmrs.size(), r8));
        return this;
    }

    /** SYSCONFIG_DONE, then TDH.SYS.KEY.CONFIG on the first CPU of each package: SYS_READY. */
    public ModuleDriver ready(List<TdmrSpec> tdmrs) {
        return ready(tdmrs, globalHkid());
    }

    /** {@link #ready(List)} with TDH.SYS.CONFIG's R8 {@code r8}. */
    public ModuleDriver ready(List<TdmrSpec> tdmrs, long r8) {
        configured(tdmrs, r8);
        TreeSet<Integer> packages = new TreeSet<>();
        for (LogicalCpu cpu : module.platform().cpus()) {
            if (packages.add(cpu.packageId())) {
                require("TDH.SYS.KEY.CONFIG on CPU " + cpu.id(),
                        call(cpu.id(), Leaf.TDH_SYS_KEY_CONFIG, new RegisterFile()));
            }
        }
        return this;
    }

    /**
     * Writes the pointer array at {@code arrayPa} and entry k at {@code arrayPa + 512 × (k + 1)}.
     *
     * @return {@code arrayPa}
     */
    public long writeTdmrs(long arrayPa, List<TdmrSpec> tdmrs) {
        TdmrPointerArray array = TdmrPointerArray.at(memory, arrayPa);
        for (int k = 0; k < tdmrs.size(); k++) {
            long entryPa = tdmrInfoPa(arrayPa, k);
            tdmrs.get(k).writeTo(memory, entryPa);
            array.set(k, entryPa);
        }
        return arrayPa;
    }

    public long writeTdmrs(List<TdmrSpec> tdmrs) {
        return writeTdmrs(SCRATCH, tdmrs);
    }

    /** Where {@link #writeTdmrs(long, List)} puts entry {@code k}. */
    public static long tdmrInfoPa(long arrayPa, int k) {
        return arrayPa + TDMR_INFO_STRIDE * (k + 1);
    }

    /** Writes {@code tdmrs} at {@link #SCRATCH} and calls TDH.SYS.CONFIG on CPU 0 with the first private KeyID. */
    public long config(List<TdmrSpec> tdmrs) {
        return config(writeTdmrs(tdmrs), tdmrs.size(), globalHkid());
    }

    public long config(long arrayPa, long tdmrCount, long hkid) {
        return call(0, Leaf.TDH_SYS_CONFIG, configRegisters(arrayPa, tdmrCount, hkid));
    }

    public static RegisterFile configRegisters(long arrayPa, long tdmrCount, long hkid) {
        return new RegisterFile().set(Gpr.RCX, arrayPa).set(Gpr.RDX, tdmrCount).set(Gpr.R8, hkid);
    }

    /** One TDH.SYS.TDMR.INIT; the registers come back with the status in RAX and RDX. */
    public RegisterFile tdmrInit(int cpu, long tdmrBase) {
        RegisterFile registers = new RegisterFile().set(Gpr.RCX, tdmrBase);
        call(cpu, Leaf.TDH_SYS_TDMR_INIT, registers);
        return registers;
    }

    /** TDH.SYS.TDMR.INIT on {@code cpu} until RDX reaches the TDMR's end, as Linux loops; returns the calls made. */
    public long initializeTdmr(int cpu, TdmrSpec tdmr) {
        long calls = 0;
        long next = 0;
        while (Long.compareUnsigned(next, tdmr.end()) < 0) {
            RegisterFile registers = tdmrInit(cpu, tdmr.base());
            require("TDH.SYS.TDMR.INIT of 0x" + Long.toHexString(tdmr.base()), registers.rax());
            next = registers.rdx();
            calls++;
        }
        return calls;
    }

    private static void require(String what, long status) {
        if (status != StatusCode.TDX_SUCCESS.value()) {
            throw new IllegalStateException(what + " failed: " + DecodedStatus.of(status).summary());
        }
    }

    @Override
    public void close() {
        memory.close();
    }
}
