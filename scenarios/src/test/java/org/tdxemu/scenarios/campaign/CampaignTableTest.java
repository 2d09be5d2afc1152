package org.tdxemu.scenarios.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.scenarios.output.CampaignReports;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/** The campaign's text table, on results made by hand: its words, counts and legend. */
class CampaignTableTest {

    private static final CallSite SYS_INIT = new CallSite(Leaf.TDH_SYS_INIT, 1, 0, 1);
    private static final CallSite LP_INIT = new CallSite(Leaf.TDH_SYS_LP_INIT, 1, 0, 2);

    @Test
    void oneOfEachIsSingular() {
        CampaignResult one = new CampaignResult("one", List.of(SYS_INIT), List.of(new CampaignResult.Run(SYS_INIT,
                StatusCode.TDX_SYS_BUSY.value(), "EIO", List.of("the log lacks: virt/tdx: module not loaded"))));
        assertEquals(List.of("one: 1 SEAMCALL faulted, 1 run, 1 violation",
                "",
                "LEAF          STATUS        CALLS  KERNEL RETURNED  VIOLATIONS",
                "TDH.SYS.INIT  TDX_SYS_BUSY      1  EIO                       1",
                "",
                "CALLS: how many calls of that leaf the campaign answered with that status, one run each",
                "",
                "Violations:",
                "  TDH.SYS.INIT #1 on CPU 0 answered TDX_SYS_BUSY: the log lacks: virt/tdx: module not loaded"),
                CampaignReports.text(one));
    }

    @Test
    void rowsWhoseRunsDisagreeCountEachAndTheLegendSaysSo() {
        CallSite secondLpInit = new CallSite(Leaf.TDH_SYS_LP_INIT, 2, 1, 3);
        long noEntropy = StatusCode.TDX_RND_NO_ENTROPY.value();
        long raxInvalid = Statuses.operandInvalid(Gpr.RAX);
        CampaignResult mixed = new CampaignResult("mixed", List.of(LP_INIT, secondLpInit), List.of(
                new CampaignResult.Run(LP_INIT, noEntropy, CampaignResult.Run.INITIALIZED, List.of()),
                new CampaignResult.Run(LP_INIT, raxInvalid, "EIO", List.of()),
                new CampaignResult.Run(secondLpInit, noEntropy, "EIO", List.of()),
                new CampaignResult.Run(secondLpInit, raxInvalid, "EIO", List.of())));
        assertEquals(List.of("mixed: 2 SEAMCALLs faulted, 4 runs, 0 violations",
                "",
                "LEAF             STATUS                                  CALLS  KERNEL RETURNED         VIOLATIONS",
                "TDH.SYS.LP.INIT  TDX_RND_NO_ENTROPY                          2  EIO ×1, initialized ×1           0",
                "TDH.SYS.LP.INIT  TDX_OPERAND_INVALID, operand 0x0 (RAX)      2  EIO                              0",
                "",
                "CALLS: how many calls of that leaf the campaign answered with that status, one run each",
                "KERNEL RETURNED: where the runs of a row disagree, ×N counts the runs that returned each"),
                CampaignReports.text(mixed));
    }
}
