package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.DecodedStatus;

/**
 * The state × leaf matrix of module-abi.md §3, cell by cell: every leaf, called with inputs that
 * would succeed, in every state reached through the real leaves. "run" cells expect what the
 * leaf answers when it runs; the others the dispatcher's or the leaf's refusal. Both 1.5 builds,
 * without and with Dynamic PAMT (dynamic-pamt.md §2), the latter configured with R8 bit 16; two
 * rows more ask each build for what only the second has: R8 bit 16 and the bitmap-bits field.
 */
class StateLeafMatrixTest {

    private static final long SUCCESS = 0;
    private static final long SYS_INIT_NOT_PENDING = 0xC000050000000000L;
    private static final long SYS_LP_INIT_NOT_DONE = 0xC000050200000000L;
    private static final long SYS_LP_INIT_DONE = 0xC000050300000000L;
    private static final long SYS_NOT_READY = 0xC000050500000000L;
    private static final long SYS_SHUTDOWN = 0xC000050600000000L;
    private static final long SYS_KEY_CONFIG_NOT_PENDING = 0xC000050700000000L;
    private static final long SYS_STATE_INCORRECT = 0xC000050800000000L;
    private static final long SYS_INVALID_HANDOFF = 0xC000050900000000L;
    private static final long SYS_LP_INIT_NOT_PENDING = 0xC000050B00000000L;
    private static final long SYS_CONFIG_NOT_PENDING = 0xC000050C00000000L;
    private static final long OPERAND_INVALID_RAX = 0xC000010000000000L;
    private static final long OPERAND_INVALID_R8 = 0xC000010000000008L;
    private static final long FIELD_ID_INCORRECT = 0xC0000C0000000000L;
    private static final long GLOBAL_HKID = 32;
    private static final long ENABLE_DYNAMIC_PAMT = 1L << 16;
    private static final long PAMT_PAGE_BITMAP_ENTRY_BITS = 0x9100000000000013L;

    private static final List<Range> CMRS = List.of(new Range(0x100000, 0x80000000L),
            new Range(0x100000000L, 0x140000000L));
    private static final List<TdmrSpec> TDMRS = List.of(TdmrSpec.of(0x100000000L, 1L << 30).withPamtsAt(0x40000000L));
    private static final long TDSYSINFO = 0x200000;
    private static final long CMR_ARRAY = 0x201000;
    private static final long RDALL_PAGE = 0x202000;
    /** A leaf tdxemu does not emulate (TDH.PHYMEM.PAGE.RECLAIM) and a number no module has. */
    private static final long RECLAIM = 28;
    private static final long UNKNOWN = 99;

    /** States in the order of the matrix's columns. */
    private static final SysState[] STATES = {SysState.SYSINIT_PENDING, SysState.SYSINIT_DONE,
            SysState.SYSCONFIG_DONE, SysState.SYS_READY, SysState.SYS_SHUTDOWN};

    /** The module builds the matrix is run on, and the R8 TDH.SYS.CONFIG gets on the way to a state. */
    enum Build {
        WITHOUT_DYNAMIC_PAMT(false, GLOBAL_HKID),
        WITH_DYNAMIC_PAMT(true, GLOBAL_HKID | ENABLE_DYNAMIC_PAMT);

        final boolean dynamicPamt;
        final long configR8;

        Build(boolean dynamicPamt, long configR8) {
            this.dynamicPamt = dynamicPamt;
            this.configR8 = configR8;
        }

        ModuleSettings settings() {
            return ModuleSettings.defaults(ModuleVersion.V1_5).withDynamicPamt(dynamicPamt);
        }
    }

    private record Row(String leaf, Supplier<RegisterFile> registers, long... cells) {
    }

    private static RegisterFile regs(Leaf leaf) {
        return new RegisterFile().set(Gpr.RAX, leaf.rax());
    }

    private static List<Row> matrix(Build build) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("TDH.SYS.INIT", () -> regs(Leaf.TDH_SYS_INIT),
                SUCCESS, SYS_INIT_NOT_PENDING, SYS_INIT_NOT_PENDING, SYS_INIT_NOT_PENDING, SYS_SHUTDOWN));
        // In SYSINIT_DONE every LP has done LP.INIT already (CONFIG needs them all): the "already did it" case.
        rows.add(new Row("TDH.SYS.LP.INIT", () -> regs(Leaf.TDH_SYS_LP_INIT),
                SYS_LP_INIT_NOT_PENDING, SYS_LP_INIT_DONE, SYS_LP_INIT_NOT_PENDING, SYS_LP_INIT_NOT_PENDING,
                SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.INFO", () -> regs(Leaf.TDH_SYS_INFO).set(Gpr.RCX, TDSYSINFO).set(Gpr.RDX, 1024)
                .set(Gpr.R8, CMR_ARRAY).set(Gpr.R9, 32),
                SYS_LP_INIT_NOT_DONE, SUCCESS, SUCCESS, SUCCESS, SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.RD", () -> regs(Leaf.TDH_SYS_RD).set(Gpr.RDX, SysField.MAX_TDMRS.id().raw()),
                SYS_LP_INIT_NOT_DONE, SUCCESS, SUCCESS, SUCCESS, SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.RDALL", () -> regs(Leaf.TDH_SYS_RDALL).set(Gpr.RDX, RDALL_PAGE).set(Gpr.R8, -1),
                SYS_LP_INIT_NOT_DONE, SUCCESS, SUCCESS, SUCCESS, SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.CONFIG", () -> regs(Leaf.TDH_SYS_CONFIG).set(Gpr.RCX, ModuleDriver.SCRATCH)
                .set(Gpr.RDX, TDMRS.size()).set(Gpr.R8, 32),
                SYS_CONFIG_NOT_PENDING, SUCCESS, SYS_CONFIG_NOT_PENDING, SYS_CONFIG_NOT_PENDING, SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.KEY.CONFIG", () -> regs(Leaf.TDH_SYS_KEY_CONFIG),
                SYS_KEY_CONFIG_NOT_PENDING, SYS_KEY_CONFIG_NOT_PENDING, SUCCESS, SYS_KEY_CONFIG_NOT_PENDING,
                SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.TDMR.INIT", () -> regs(Leaf.TDH_SYS_TDMR_INIT).set(Gpr.RCX, TDMRS.get(0).base()),
                SYS_NOT_READY, SYS_NOT_READY, SYS_NOT_READY, SUCCESS, SYS_SHUTDOWN));
        rows.add(new Row("TDH.SYS.LP.SHUTDOWN", () -> regs(Leaf.TDH_SYS_LP_SHUTDOWN),
                SUCCESS, SUCCESS, SUCCESS, SUCCESS, SUCCESS));
        rows.add(new Row("TDH.SYS.SHUTDOWN", () -> regs(Leaf.TDH_SYS_SHUTDOWN),
                SYS_NOT_READY, SYS_NOT_READY, SYS_NOT_READY, SUCCESS, SYS_SHUTDOWN));
        // UPDATE runs in SYSINIT_DONE and finds no handoff from a previous module.
        rows.add(new Row("TDH.SYS.UPDATE", () -> regs(Leaf.TDH_SYS_UPDATE),
                SYS_STATE_INCORRECT, SYS_INVALID_HANDOFF, SYS_STATE_INCORRECT, SYS_STATE_INCORRECT, SYS_SHUTDOWN));
        rows.add(new Row("leaf 28 (not emulated)", () -> new RegisterFile().set(Gpr.RAX, RECLAIM),
                SYS_NOT_READY, SYS_NOT_READY, SYS_NOT_READY, OPERAND_INVALID_RAX, SYS_SHUTDOWN));
        rows.add(new Row("leaf 99 (unknown)", () -> new RegisterFile().set(Gpr.RAX, UNKNOWN),
                SYS_NOT_READY, SYS_NOT_READY, SYS_NOT_READY, OPERAND_INVALID_RAX, SYS_SHUTDOWN));
        long withBit16 = build.dynamicPamt ? SUCCESS : OPERAND_INVALID_R8;
        rows.add(new Row("TDH.SYS.CONFIG, R8 bit 16", () -> regs(Leaf.TDH_SYS_CONFIG).set(Gpr.RCX, ModuleDriver.SCRATCH)
                .set(Gpr.RDX, TDMRS.size()).set(Gpr.R8, GLOBAL_HKID | ENABLE_DYNAMIC_PAMT),
                SYS_CONFIG_NOT_PENDING, withBit16, SYS_CONFIG_NOT_PENDING, SYS_CONFIG_NOT_PENDING, SYS_SHUTDOWN));
        long bitmapBits = build.dynamicPamt ? SUCCESS : FIELD_ID_INCORRECT;
        rows.add(new Row("TDH.SYS.RD, PAMT_PAGE_BITMAP_ENTRY_BITS",
                () -> regs(Leaf.TDH_SYS_RD).set(Gpr.RDX, PAMT_PAGE_BITMAP_ENTRY_BITS),
                SYS_LP_INIT_NOT_DONE, bitmapBits, bitmapBits, bitmapBits, SYS_SHUTDOWN));
        return rows;
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Build build : Build.values()) {
            for (Row row : matrix(build)) {
                for (int s = 0; s < STATES.length; s++) {
                    cells.add(Arguments.of(build, row.leaf(), STATES[s], row.registers(), row.cells()[s]));
                }
            }
        }
        return cells.stream();
    }

    private static ModuleDriver in(SysState state) {
        return in(state, Build.WITHOUT_DYNAMIC_PAMT);
    }

    /** A module of {@code build} brought to {@code state} through the real leaves. */
    private static ModuleDriver in(SysState state, Build build) {
        ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(CMRS), build.settings());
        switch (state) {
            case SYSINIT_PENDING -> { }
            case SYSINIT_DONE -> {
                driver.sysInitDone();
                driver.writeTdmrs(TDMRS);
            }
            case SYSCONFIG_DONE -> driver.configured(TDMRS, build.configR8);
            case SYS_READY -> driver.ready(TDMRS, build.configR8);
            case SYS_SHUTDOWN -> {
                driver.ready(TDMRS, build.configR8);
                assertStatus(SUCCESS, driver.call(0, Leaf.TDH_SYS_SHUTDOWN, new RegisterFile()));
            }
        }
        assertEquals(state, driver.module().state());
        return driver;
    }

    private static void assertStatus(long expected, long actual) {
        assertEquals(expected, actual, () -> "got " + DecodedStatus.of(actual).summary() + ", expected "
                + DecodedStatus.of(expected).summary());
    }

    @ParameterizedTest(name = "{0}: {1} in {2}")
    @MethodSource("cells")
    void everyLeafInEveryState(Build build, String leaf, SysState state, Supplier<RegisterFile> registers,
                               long expected) {
        try (ModuleDriver driver = in(state, build)) {
            assertStatus(expected, driver.module().call(0, registers.get()));
            assertEquals(List.of(), driver.module().internalErrors());
            if (state.compareTo(SysState.SYSCONFIG_DONE) >= 0) {
                assertEquals(build.dynamicPamt, driver.module().status().dynamicPamt());
            }
        }
    }

    @Test
    void theMatrixCoversEveryLeafTdxemuNamesAndEveryState() {
        for (Build build : Build.values()) {
            assertEquals(Leaf.values().length - 4 + 2 + 2, matrix(build).size(), "all leaves but PAGE.RDMD, "
                    + "PAGE.RECLAIM, CACHE.WB and DISABLE, plus two unemulated numbers and the two Dynamic PAMT inputs");
        }
        assertEquals(SysState.values().length, STATES.length);
    }

    @Test
    void lpInitRunsOnAnLpThatHasNotDoneItInSysinitDone() {
        try (ModuleDriver driver = ModuleDriver.over(ModuleDriver.platform(CMRS))) {
            assertStatus(SUCCESS, driver.call(0, Leaf.TDH_SYS_INIT, new RegisterFile()));
            assertStatus(SUCCESS, driver.call(3, Leaf.TDH_SYS_LP_INIT, new RegisterFile()));
        }
    }

    @Test
    void aRepeatedInitWithRcxSetFailsOnRcxBeforeTheState() {
        try (ModuleDriver driver = in(SysState.SYS_READY)) {
            assertStatus(0xC000010000000001L, driver.call(0, Leaf.TDH_SYS_INIT, new RegisterFile().set(Gpr.RCX, 1)));
        }
    }
}
