package org.tdxemu.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.init.TdxKernel;
import org.tdxemu.kernel.layout.Layout;
import org.tdxemu.kernel.layout.Layouts;
import org.tdxemu.kernel.planner.ModuleLimits;
import org.tdxemu.kernel.planner.PlanResult;
import org.tdxemu.kernel.planner.TdmrPlan;

/**
 * The PAMT cost table of benchmarks/README.md, layout by layout from 256 GiB to 64 TiB: the KB
 * {@code %lu KB allocated for PAMT} prints under Linux 6.18 and under the Dynamic PAMT series, and
 * the series' refcount array, which that line does not count (dynamic-pamt.md §3.3, §3.4). The
 * figures are written out here as the README shows them.
 */
class PamtCostTableTest {

    private record Row(String layout, long tdmrGib, long staticKb, long dynamicKb, long refcountBytes) {
    }

    private static final List<Row> TABLE = List.of(
            new Row("256G-2n-2r-none", 256, 1050632, 10248, 532480),
            new Row("two-socket-2t", 2046, 8396820, 81876, 4196352),
            new Row("2T-2n-2r-none", 2048, 8405024, 81952, 4202496),
            new Row("16T-8n-8r-none", 16384, 67240192, 655616, 33562624),
            new Row("64T-8n-8r-none", 65536, 268960768, 2622464, 134225920));

    private static TdmrPlan plan(Layout layout, ModuleLimits limits, Profile profile) {
        PlanResult result = TdxKernel.plan(layout.host(), limits, KernelOptions.of(profile), layout.cmrs());
        return assertInstanceOf(PlanResult.Planned.class, result, layout.name()).plan();
    }

    @Test
    void eachLayoutCostsWhatTheReadmeSays() {
        for (Row row : TABLE) {
            Layout layout = Layouts.named(row.layout());
            TdmrPlan staticPamt = plan(layout, ModuleLimits.DEFAULT, Profile.MAINLINE);
            TdmrPlan dynamicPamt = plan(layout, ModuleLimits.DEFAULT.withPamtPageBitmap(1), Profile.DPAMT);
            assertEquals(row.tdmrGib(), staticPamt.tdmrs().stream().mapToLong(t -> t.size() >> 30).sum(), row.layout());
            assertEquals(row.staticKb(), staticPamt.pamtKb(), row.layout());
            assertEquals(row.dynamicKb(), dynamicPamt.pamtKb(), row.layout());
            assertEquals(row.refcountBytes(), (layout.host().maxPfn() + 511) / 512 * 4, row.layout());
        }
    }
}
