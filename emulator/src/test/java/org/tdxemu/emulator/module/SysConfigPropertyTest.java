package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.tdxemu.emulator.testing.StatusAssert.assertStatus;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.testing.ModuleDriver;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.CONFIG on random TDMR arrays: valid ones are accepted; arrays with one field changed to
 * anything never make it throw, and when refused leave the state as it was, blame the changed
 * TDMR or a later one, and can be retried with the valid array. The number of arrays per
 * property is {@code -Dfuzz.tries=N} (default 200); a failure prints the QuickTheories seed to
 * replay with {@code -DQT_SEED=…}.
 */
class SysConfigPropertyTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 200);
    private static final long PAGE = PageSize.SIZE_4K.bytes();
    private static final long GIB = PageSize.SIZE_1G.bytes();
    private static final long TDMR_CLASS = 0x0A;

    /** A valid TDMR array, the CMR slots that hold it, and the module that checks it. */
    record Layout(List<Cmr> cmrs, List<TdmrSpec> tdmrs, ModuleVersion version) {
    }

    /** Field {@code word} (byte offset 8 × word) of TDMR_INFO {@code tdmr} becomes {@link #apply}'s value. */
    record Mutation(int tdmr, int word, int kind, long random) {
        long apply(long original) {
            return switch (kind) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> random;
                case 3 -> original + PAGE;
                case 4 -> original - PAGE;
                case 5 -> original + GIB;
                case 6 -> original - GIB;
                case 7 -> original ^ (1L << (random & 63));
                default -> original + 1;
            };
        }
    }

    record Case(Layout layout, Mutation mutation) {
    }

    private static long between(RandomnessSource in, long min, long max) {
        return in.next(Constraint.between(min, max));
    }

    private static Gen<Layout> layouts() {
        return in -> {
            int count = (int) between(in, 1, 12);
            List<TdmrSpec> tdmrs = new ArrayList<>();
            long cursor = 0;
            for (int k = 0; k < count; k++) {
                long base = cursor + between(in, 0, 2) * GIB;
                TdmrSpec tdmr = withReservedAreas(in, TdmrSpec.of(base, between(in, 1, 3) * GIB));
                tdmrs.add(tdmr);
                cursor = tdmr.end();
            }
            long pamt = cursor + between(in, 0, 1) * GIB;
            for (int k = 0; k < count; k++) {
                TdmrSpec tdmr = tdmrs.get(k);
                for (PageSize ps : PageSize.values()) {
                    long size = TdmrSpec.minimumPamtSize(tdmr.size(), ps, TdmrSpec.PAMT_ENTRY_SIZE)
                            + between(in, 0, 2) * PAGE;
                    tdmr = tdmr.withPamt(ps, pamt, size);
                    pamt += size + between(in, 0, 1) * PAGE;
                }
                tdmrs.set(k, tdmr);
            }
            ModuleVersion version = between(in, 0, 1) == 0 ? ModuleVersion.V1_0 : ModuleVersion.V1_5;
            return new Layout(adjacentCmrs(in, pamt), tdmrs, version);
        };
    }

    /** Up to 16 sorted, disjoint areas, some touching, some at offset 0 or reaching the end. */
    private static TdmrSpec withReservedAreas(RandomnessSource in, TdmrSpec tdmr) {
        int areas = (int) between(in, 0, TdmrInfo.MODULE_RESERVED_AREAS);
        long offset = 0;
        for (int j = 0; j < areas; j++) {
            long start = offset + between(in, 0, 1 << 16) * PAGE;
            if (start >= tdmr.size()) {
                break;
            }
            long size = Math.min(between(in, 1, 1 << 14) * PAGE, tdmr.size() - start);
            tdmr = tdmr.withReserved(start, size);
            offset = start + size;
        }
        return tdmr;
    }

    /** [0, end) as one to four exactly adjacent CMRs, with null slots between some of them. */
    private static List<Cmr> adjacentCmrs(RandomnessSource in, long end) {
        List<Cmr> cmrs = new ArrayList<>();
        int pieces = (int) between(in, 1, 4);
        long start = 0;
        for (int p = 0; p < pieces; p++) {
            long pieceEnd = p == pieces - 1 ? end : start + (end - start) / PAGE * between(in, 1, 99) / 100 * PAGE;
            if (pieceEnd == start) {
                continue;
            }
            if (between(in, 0, 3) == 0) {
                cmrs.add(new Cmr(0, 0));
            }
            cmrs.add(new Cmr(start, pieceEnd - start));
            start = pieceEnd;
        }
        return cmrs;
    }

    private static Gen<Case> mutatedLayouts() {
        return layouts().flatMap(layout -> in -> new Case(layout, new Mutation(
                (int) between(in, 0, layout.tdmrs().size() - 1), (int) between(in, 0, TdmrInfo.MODULE_BYTES / 8 - 1),
                (int) between(in, 0, 8), in.next(Constraint.none()))));
    }

    private static ModuleDriver initialized(Layout layout) {
        Platform platform = Platform.builder().cpus(2, 2).cmrs(layout.cmrs()).build();
        return ModuleDriver.over(platform, ModuleSettings.defaults(layout.version())).sysInitDone();
    }

    @Test
    void configAcceptsEveryValidTdmrArray() {
        qt().withExamples(TRIES).forAll(layouts()).checkAssert(layout -> {
            try (ModuleDriver driver = initialized(layout)) {
                assertStatus(0, driver.config(layout.tdmrs()), layout.toString());
                assertEquals(SysState.SYSCONFIG_DONE, driver.module().state());
                assertEquals(layout.tdmrs().size(), driver.module().status().tdmrs().size());
                assertEquals(List.of(), driver.module().internalErrors());
            }
        });
    }

    @Test
    void configRefusesAChangedTdmrArrayCleanlyAndCanBeRetried() {
        qt().withExamples(TRIES).forAll(mutatedLayouts()).checkAssert(example -> {
            Layout layout = example.layout();
            Mutation mutation = example.mutation();
            try (ModuleDriver driver = initialized(layout)) {
                long arrayPa = driver.writeTdmrs(layout.tdmrs());
                long fieldPa = ModuleDriver.tdmrInfoPa(arrayPa, mutation.tdmr()) + 8L * mutation.word();
                long original = driver.memory().read64(fieldPa);
                driver.memory().write64(fieldPa, mutation.apply(original));

                long status = driver.config(arrayPa, layout.tdmrs().size(), driver.globalHkid());
                assertEquals(List.of(), driver.module().internalErrors());
                if (status == 0) {
                    assertEquals(SysState.SYSCONFIG_DONE, driver.module().state());
                    return;
                }
                String why = example + " gave " + DecodedStatus.of(status).summary();
                assertEquals(SysState.SYSINIT_DONE, driver.module().state(), why);
                assertEquals(List.of(), driver.module().status().tdmrs(), why);
                assertTrue(status < 0 && ((status >>> 40) & 0xFF) == TDMR_CLASS, "not a TDMR/PAMT error: " + why);
                assertTrue(checkedTdmr(status) >= mutation.tdmr(), "blames a TDMR before the changed one: " + why);

                driver.memory().write64(fieldPa, original);
                assertStatus(0, driver.config(arrayPa, layout.tdmrs().size(), driver.globalHkid()), "retry of " + why);
            }
        });
    }

    /** The TDMR whose checks found the error: the later of the two a PAMT overlap names. */
    private static int checkedTdmr(long status) {
        int tdmr = (int) (status & 0xFF);
        if ((status & ~StatusCode.DETAILS_MASK) == StatusCode.TDX_PAMT_OVERLAP.value()) {
            return Math.max(tdmr, (int) ((status >>> 16) & 0xFF));
        }
        return tdmr;
    }
}
