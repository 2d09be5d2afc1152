package org.tdxemu.emulator.module;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * Random register values for every leaf in every state, on a 1.5 module without and with Dynamic
 * PAMT (the latter configured with R8 bit 16): no call throws, a call that does not
 * succeed changes no module state (the HKID that a refused TDH.SYS.CONFIG may reserve excepted,
 * module-abi.md §4.4 pre-check 7), and every register a leaf does not write comes back as it
 * went in. {@code -Dfuzz.tries=N} runs more (default 300).
 */
class RandomRegistersPropertyTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 300);
    private static final List<Range> CMRS = List.of(new Range(0x100000, 0x80000000L),
            new Range(0x100000000L, 0x140000000L));
    private static final List<TdmrSpec> TDMRS = List.of(TdmrSpec.of(0x100000000L, 1L << 30).withPamtsAt(0x40000000L));
    private static final SysState[] STATES = SysState.values();

    /** The registers each leaf writes besides RAX (module-abi.md §4). */
    private static final Map<Leaf, Set<Gpr>> OUTPUTS = Map.of(
            Leaf.TDH_SYS_INIT, EnumSet.of(Gpr.RCX, Gpr.RDX, Gpr.R8, Gpr.R9, Gpr.R10),
            Leaf.TDH_SYS_LP_INIT, EnumSet.of(Gpr.RCX, Gpr.RDX, Gpr.R8),
            Leaf.TDH_SYS_INFO, EnumSet.of(Gpr.RDX, Gpr.R9),
            Leaf.TDH_SYS_RD, EnumSet.of(Gpr.RDX, Gpr.R8),
            Leaf.TDH_SYS_RDALL, EnumSet.of(Gpr.R8),
            Leaf.TDH_SYS_TDMR_INIT, EnumSet.of(Gpr.RDX));

    /** Values a careless or hostile host might pass: anything, small numbers, addresses, IDs, all ones. */
    private static Gen<Long> registerValue() {
        List<Long> interesting = new ArrayList<>(List.of(0L, 1L, -1L, 32L, 32L | 1L << 16, 64L, 1024L, 0x100000L,
                0x10_0000L, 0x200000L, 0x40000000L, 0x100000000L, 1L << 52, 1L << 46 | 0x200000L));
        for (SysField f : SysField.values()) {
            interesting.add(f.id().raw());
        }
        return longs().all()
                .mix(longs().between(0, 80))
                .mix(longs().between(0, 1L << 34).map(a -> a & ~0x1FFL))
                .mix(Generate.pick(interesting));
    }

    private static Gen<Long> raxValue() {
        List<Long> leaves = new ArrayList<>();
        for (Leaf leaf : Leaf.values()) {
            leaves.add(leaf.rax());
        }
        return Generate.pick(leaves).mix(longs().between(0, 0x50)).mix(longs().all(), 10);
    }

    /** A module brought to {@code state}; with Dynamic PAMT, configured with R8 bit 16. */
    private static ModuleDriver in(SysState state, boolean dynamicPamt) {
        ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(CMRS),
                ModuleSettings.defaults(ModuleVersion.V1_5).withDynamicPamt(dynamicPamt));
        long r8 = driver.globalHkid() | (dynamicPamt ? 1L << 16 : 0);
        switch (state) {
            case SYSINIT_PENDING -> { }
            case SYSINIT_DONE -> driver.sysInitDone();
            case SYSCONFIG_DONE -> driver.configured(TDMRS, r8);
            case SYS_READY -> driver.ready(TDMRS, r8);
            case SYS_SHUTDOWN -> {
                driver.ready(TDMRS, r8);
                driver.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile());
            }
        }
        return driver;
    }

    /** The module state a failed call must leave alone; the HKID is compared separately. */
    private record Observed(ModuleStatus status) {
        Observed withoutHkid() {
            ModuleStatus s = status;
            return new Observed(new ModuleStatus(s.state(), s.initializedCpus(), s.packageBitmap(),
                    s.configuredPackages(), 0, s.tdmrs(), s.dynamicPamt()));
        }
    }

    @Test
    void randomRegistersNeverThrowAndAFailedCallChangesNothing() {
        // One number picks the state and the build: the states without Dynamic PAMT, then with it.
        qt().withExamples(TRIES).forAll(integers().between(0, 2 * STATES.length - 1), raxValue(),
                        lists().of(registerValue()).ofSize(Gpr.values().length), integers().between(0, 3))
                .checkAssert((pick, rax, values, cpu) -> {
                    int stateIndex = pick % STATES.length;
                    try (ModuleDriver driver = in(STATES[stateIndex], pick >= STATES.length)) {
                        TdxModule module = driver.module();
                        RegisterFile registers = new RegisterFile();
                        for (Gpr r : Gpr.values()) {
                            registers.set(r, values.get(r.ordinal()));
                        }
                        registers.set(Gpr.RAX, rax);
                        RegisterFile before = registers.copy();
                        ModuleStatus statusBefore = module.status();
                        long status = module.call(cpu, registers);
                        String what = String.format("RAX 0x%x on CPU %d in %s%s -> %s", rax, cpu, STATES[stateIndex],
                                pick >= STATES.length ? " with Dynamic PAMT" : "", DecodedStatus.of(status).summary());
                        if (!module.internalErrors().isEmpty()) {
                            throw new AssertionError(what + " threw " + module.internalErrors());
                        }
                        if (status != 0) {
                            Observed expected = new Observed(statusBefore).withoutHkid();
                            Observed actual = new Observed(module.status()).withoutHkid();
                            if (!expected.equals(actual)) {
                                throw new AssertionError(what + " changed the module: " + statusBefore + " -> "
                                        + module.status());
                            }
                            if (module.status().hkid() != statusBefore.hkid() && rax != Leaf.TDH_SYS_CONFIG.rax()) {
                                throw new AssertionError(what + " changed the HKID");
                            }
                        }
                        Set<Gpr> outputs = Leaf.ofNumber((int) (long) rax).filter(l -> l.rax() == rax)
                                .map(l -> OUTPUTS.getOrDefault(l, Set.of())).orElse(Set.of());
                        for (Gpr r : Gpr.values()) {
                            if (r != Gpr.RAX && !outputs.contains(r) && registers.get(r) != before.get(r)) {
                                throw new AssertionError(what + " wrote " + r + ", which it does not write");
                            }
                        }
                        if (registers.rax() != status) {
                            throw new AssertionError(what + " but RAX holds 0x" + Long.toHexString(registers.rax()));
                        }
                    }
                });
    }
}
