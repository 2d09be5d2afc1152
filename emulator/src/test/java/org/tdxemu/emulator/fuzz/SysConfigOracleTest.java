package org.tdxemu.emulator.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleStatus;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.platform.LogicalCpu;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.CONFIG against {@link ConfigOracle}, an independent reading of module-abi.md §4.4, on
 * random valid and damaged TDMR arrays ({@link ConfigCases}), module 1.0, 1.5 and 1.5 with Dynamic
 * PAMT (R8 bit 16 on and off, KeyID bits starting at bit 48 or 49, 4K bitmaps exact or short). Each case runs on
 * a fresh module in SYSINIT_DONE: the emulator must answer exactly the oracle's status, never
 * throw, write RAX only, and on failure leave the state and the TDMRs in use as they were (the
 * KeyID reserved exactly when the oracle says the pre-checks passed); then CONFIG of the valid
 * array must succeed. After a success, CONFIG once more must be refused as the oracle says. The
 * run must reach every status CONFIG can give single-threaded, module 1.0's empty-tail check, a
 * read of missing memory, and each way R8 bit 16 and the bitmap can go.
 *
 * <p>{@code -Dfuzz.tries=N} sets the number of cases (default 1500); a failure prints the seed to
 * replay with {@code -DQT_SEED=…}.
 */
class SysConfigOracleTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 1500);
    private static final long SUCCESS = StatusCode.TDX_SUCCESS.value();
    private static final long CODE_MASK = ~StatusCode.DETAILS_MASK;
    /** Every status family CONFIG answers when no other CPU holds the lock; OPERAND_INVALID counts once per operand. */
    private static final Set<Long> FAMILIES = Set.of(SUCCESS, StatusCode.TDX_SYS_CONFIG_NOT_PENDING.value(),
            Statuses.operandInvalid(Gpr.RCX), Statuses.operandInvalid(Gpr.RDX), Statuses.operandInvalid(Gpr.R8),
            StatusCode.TDX_INVALID_TDMR.value(), StatusCode.TDX_NON_ORDERED_TDMR.value(),
            StatusCode.TDX_INVALID_RESERVED_IN_TDMR.value(), StatusCode.TDX_NON_ORDERED_RESERVED_IN_TDMR.value(),
            StatusCode.TDX_INVALID_PAMT.value(), StatusCode.TDX_PAMT_OVERLAP.value(),
            StatusCode.TDX_PAMT_OUTSIDE_CMRS.value(), StatusCode.TDX_TDMR_OUTSIDE_CMRS.value());
    private static final String EMPTY_TAIL_STEP = "loop 7: the empty tail after 16 areas outside the CMRs (1.0)";
    /** The oracle's steps where Dynamic PAMT decides: each must be reached. */
    private static final Set<String> DYNAMIC_PAMT_STEPS = Set.of("accepted with Dynamic PAMT",
            "pre-check 6: R8 bit 16 on a module without Dynamic PAMT",
            "pre-check 6: Dynamic PAMT with KeyID bits above bit 48", "loop 6.1: PAMT 4K bitmap invalid");
    /** TDH.SYS.CONFIG's R8 bits 15:0. */
    private static final long HKID_FIELD = 0xFFFF;

    private final Map<String, Integer> families = new TreeMap<>();
    private final Map<String, Integer> steps = new TreeMap<>();
    private int readsOfMissingMemory;

    @Test
    void configAnswersWhatTheReferenceSaysOnValidAndDamagedArrays() {
        long started = System.nanoTime();
        qt().withExamples(TRIES).forAll(ConfigCases.cases()).checkAssert(this::check);
        double seconds = (System.nanoTime() - started) / 1e9;

        System.out.printf("TDH.SYS.CONFIG against the oracle: %d cases in %.1f s (%.0f a second), %d reading missing "
                + "memory%n  families %s%n  steps %s%n", TRIES, seconds, TRIES / seconds, readsOfMissingMemory, families,
                steps);
        Set<String> missing = FAMILIES.stream().map(SysConfigOracleTest::family)
                .collect(Collectors.toCollection(TreeSet::new));
        missing.removeAll(families.keySet());
        assertEquals(Set.of(), missing, "status families no case reached");
        assertTrue(steps.containsKey(EMPTY_TAIL_STEP), "no case reached module 1.0's empty-tail check");
        assertTrue(readsOfMissingMemory > 0, "no case read memory that is not there");
        Set<String> unreached = new TreeSet<>(DYNAMIC_PAMT_STEPS);
        unreached.removeAll(steps.keySet());
        assertEquals(Set.of(), unreached, "Dynamic PAMT steps no case reached");
    }

    private void check(ConfigCases.ConfigCase c) {
        ConfigMachine machine = c.machine();
        ConfigInput valid = c.valid();
        ConfigInput tried = c.tried();
        Words validWords = valid.words();
        Words triedWords = tried.words();
        ConfigOracle.Verdict validVerdict = verdict(machine, valid, validWords, true);
        if (validVerdict.status() != SUCCESS) {
            assertStatus(SUCCESS, validVerdict.status(), "the oracle on the generator's valid array ("
                    + validVerdict.step() + ")\n" + c);
        }
        ConfigOracle.Verdict expected = verdict(machine, tried, triedWords, true);
        Supplier<String> context = () -> "oracle: " + expected.step() + "\n" + c;

        try (ModuleDriver driver = new ModuleDriver(machine.platform(), machine.settings(), machine.installed())) {
            List<LogicalCpu> cpus = driver.module().platform().cpus();
            require(driver.call(0, Leaf.TDH_SYS_INIT, new RegisterFile()), "TDH.SYS.INIT");
            int initialized = tried.everyLpInitialized() ? cpus.size() : cpus.size() - 1;
            for (int cpu = 0; cpu < initialized; cpu++) {
                require(driver.call(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile()), "TDH.SYS.LP.INIT");
            }
            triedWords.forEach(driver.memory()::write64);
            ModuleStatus before = driver.module().status();

            RegisterFile input = ModuleDriver.configRegisters(tried.rcx(), tried.rdx(), tried.r8());
            RegisterFile registers = input.copy();
            long status = driver.call(0, Leaf.TDH_SYS_CONFIG, registers);
            count(expected, status);
            if (status != expected.status()) {
                assertStatus(expected.status(), status, context.get());
            }
            assertEquals(List.of(), driver.module().internalErrors(), context);
            assertEquals(input.copy().set(Gpr.RAX, status), registers,
                    () -> "CONFIG writes RAX only\n" + context.get());
            if (status == SUCCESS) {
                assertConfiguredOnce(driver, machine, valid, validWords, expected, context);
                return;
            }

            ModuleStatus after = driver.module().status();
            int hkid = expected.keyIdReserved() ? (int) (tried.r8() & HKID_FIELD) : before.hkid();
            assertEquals(new ModuleStatus(before.state(), before.initializedCpus(), before.packageBitmap(),
                    before.configuredPackages(), hkid, before.tdmrs(), before.dynamicPamt()), after,
                    () -> "what a failed CONFIG leaves\n" + context.get());

            for (int cpu = initialized; cpu < cpus.size(); cpu++) {
                require(driver.call(cpu, Leaf.TDH_SYS_LP_INIT, new RegisterFile()), "TDH.SYS.LP.INIT");
            }
            validWords.forEach(driver.memory()::write64);
            long retry = driver.config(valid.rcx(), valid.rdx(), valid.r8());
            if (retry != SUCCESS) {
                assertStatus(SUCCESS, retry, "CONFIG of the valid array after the failure\n" + context.get());
            }
            assertEquals(List.of(), driver.module().internalErrors(), context);
            assertConfiguredOnce(driver, machine, valid, validWords, validVerdict, context);
        }
    }

    private static ConfigOracle.Verdict verdict(ConfigMachine machine, ConfigInput input, Words words,
                                                boolean sysinitDone) {
        return ConfigOracle.config(machine.oracleView(), new ConfigOracle.Memory(machine.installed(), words),
                sysinitDone, input.everyLpInitialized(), input.rcx(), input.rdx(), input.r8());
    }

    /**
     * SYSCONFIG_DONE, with the TDMRs the oracle accepted in use, none initialized yet; and CONFIG
     * again answers what the oracle says of a module past SYSINIT_DONE.
     */
    private static void assertConfiguredOnce(ModuleDriver driver, ConfigMachine machine, ConfigInput valid,
                                             Words validWords, ConfigOracle.Verdict verdict,
                                             Supplier<String> context) {
        assertEquals(SysState.SYSCONFIG_DONE, driver.module().state(), context);
        List<ModuleStatus.TdmrProgress> tdmrs = driver.module().status().tdmrs();
        assertEquals(verdict.tdmrs(), tdmrs.stream().map(t -> Range.ofSize(t.base(), t.size())).toList(),
                () -> "the TDMRs in use\n" + context.get());
        assertTrue(tdmrs.stream().allMatch(t -> t.next() == t.base()),
                () -> "no TDMR initialized yet\n" + context.get());
        assertEquals(verdict.dynamicPamt(), driver.module().status().dynamicPamt(),
                () -> "Dynamic PAMT enabled\n" + context.get());

        ConfigOracle.Verdict again = verdict(machine, valid, validWords, false);
        long status = driver.config(valid.rcx(), valid.rdx(), valid.r8());
        if (status != again.status()) {
            assertStatus(again.status(), status, "CONFIG once more\n" + context.get());
        }
        assertEquals(tdmrs, driver.module().status().tdmrs(), context);
    }

    private void count(ConfigOracle.Verdict expected, long status) {
        families.merge(family(status), 1, Integer::sum);
        steps.merge(expected.step(), 1, Integer::sum);
        readsOfMissingMemory += expected.readMissing() ? 1 : 0;
    }

    /** The status without its details, but OPERAND_INVALID with its operand. */
    private static String family(long status) {
        long code = status & CODE_MASK;
        if (code == StatusCode.TDX_OPERAND_INVALID.value()) {
            return DecodedStatus.of(status).summary();
        }
        return DecodedStatus.of(code).name();
    }

    private static void require(long status, String what) {
        if (status != SUCCESS) {
            throw new IllegalStateException(what + " failed: " + DecodedStatus.of(status).summary());
        }
    }
}
