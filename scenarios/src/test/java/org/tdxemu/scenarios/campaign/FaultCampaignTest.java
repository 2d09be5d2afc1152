package org.tdxemu.scenarios.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.Operand;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * The fault campaign over bundled scenarios (each profile, several packages): no violation,
 * and the errno the kernel's mapping gives in the cells that matter most.
 */
class FaultCampaignTest {

    private static final long NO_ENTROPY = StatusCode.TDX_RND_NO_ENTROPY.value();
    private static final long VMFAIL = StatusCode.TDX_SEAMCALL_VMFAILINVALID.value();
    private static final long GP = StatusCode.TDX_SEAMCALL_GP.value();
    private static final long UD = StatusCode.TDX_SEAMCALL_UD.value();

    private static CampaignResult campaign(String scenario) {
        return new FaultCampaign(Library.load(scenario), false).run(2, CampaignProgress.SILENT);
    }

    private static Map<String, Integer> cell(CampaignResult result, Leaf leaf, long status) {
        return result.matrix().stream().filter(c -> c.leaf() == leaf && c.status() == status).findFirst()
                .orElseThrow(() -> new AssertionError("no cell " + leaf + " × 0x" + Long.toHexString(status)))
                .kernelReturned();
    }

    private static void assertNoViolations(CampaignResult result) {
        assertEquals(List.of(), result.runs().stream().flatMap(r -> r.violations().stream()
                .map(v -> r.site() + " answered 0x" + Long.toHexString(r.status()) + ": " + v))
                .collect(Collectors.toList()));
    }

    @Test
    void mainlineOnTwoSocketsFollowsSeamcallErrnoMapping() {
        CampaignResult result = campaign("small-two-socket");
        assertNoViolations(result);
        // INIT, 4 LP.INITs, 69 RDs, CONFIG, 2 KEY.CONFIGs, the first and last TDMR.INIT of 2 TDMRs.
        assertEquals(1 + 4 + 69 + 1 + 2 + 4, result.sites().size());
        assertEquals(Map.of("EIO", 1), cell(result, Leaf.TDH_SYS_CONFIG, Statuses.tdmr(StatusCode.TDX_TDMR_OUTSIDE_CMRS, 0)));
        assertEquals(Map.of("initialized", 4), cell(result, Leaf.TDH_SYS_LP_INIT, NO_ENTROPY), "one RND_NO_ENTROPY is retried away");
        assertEquals(Map.of("initialized", 1), cell(result, Leaf.TDH_SYS_INIT, NO_ENTROPY));
        assertEquals(Map.of("EIO", 69), cell(result, Leaf.TDH_SYS_RD, StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value()));
        assertEquals(Map.of("ENODEV", 2), cell(result, Leaf.TDH_SYS_KEY_CONFIG, VMFAIL));
        assertEquals(Map.of("EOPNOTSUPP", 4), cell(result, Leaf.TDH_SYS_TDMR_INIT, GP));
        assertEquals(Map.of("EACCES", 4), cell(result, Leaf.TDH_SYS_LP_INIT, UD));
        assertEquals(Map.of("EIO", 2), cell(result, Leaf.TDH_SYS_KEY_CONFIG, StatusCode.TDX_KEY_CONFIGURED.value()),
                "a warning status with bit 63 clear is still -EIO");
        assertEquals(Map.of("EIO", 4), cell(result, Leaf.TDH_SYS_TDMR_INIT,
                StatusCode.TDX_TDMR_ALREADY_INITIALIZED.value()));
    }

    /** kernel-init.md §1.3 and §1.4, LATEST: the same mapping, new wording, and every VMX reference given back. */
    @Test
    void latestMapsAsMainlineAndTakesEveryCpuDownAfterAFailure() {
        Scenario latest = Library.load("small-two-socket").withKernel(KernelOptions.of(Profile.LATEST));
        CampaignResult result = new FaultCampaign(latest, false).run(2, CampaignProgress.SILENT);
        assertNoViolations(result);
        // As on 6.18, and the three version fields read first.
        assertEquals(1 + 4 + 3 + 69 + 1 + 2 + 4, result.sites().size());
        assertEquals(Map.of("EIO", 72), cell(result, Leaf.TDH_SYS_RD, StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value()));
        assertEquals(Map.of("ENODEV", 4), cell(result, Leaf.TDH_SYS_LP_INIT, VMFAIL));
        assertEquals(Map.of("EIO", 2), cell(result, Leaf.TDH_SYS_KEY_CONFIG, StatusCode.TDX_KEY_GENERATION_FAILED.value()));
        assertEquals(Map.of("EACCES", 4), cell(result, Leaf.TDH_SYS_TDMR_INIT, UD));
    }

    /**
     * dynamic-pamt.md §3: the bitmap field is one more TDH.SYS.RD, R8 bit 16 one more way for CONFIG to
     * go, and the refcounts are part of what every failed run must give back.
     */
    @Test
    void dynamicPamtGivesBackItsRefcountsOnEveryErrorPath() {
        CampaignResult result = campaign("small-dpamt");
        assertNoViolations(result);
        assertEquals(1 + 4 + 3 + 69 + 1 + 1 + 2 + 4, result.sites().size(), "the bitmap field is read last");
        assertEquals(Map.of("EIO", 73), cell(result, Leaf.TDH_SYS_RD, StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value()));
        assertEquals(Map.of("EIO", 1), cell(result, Leaf.TDH_SYS_CONFIG, Statuses.operandInvalid(Gpr.R8)));
        assertEquals(Map.of("EIO", 4), cell(result, Leaf.TDH_SYS_TDMR_INIT, Statuses.operandBusy(Operand.RCX)));
        RunReport clean = ScenarioRunner.run(Library.load("small-dpamt").withFaultsOnly(List.of()));
        long refcounts = 0x180000 / 512 * 4;
        assertEquals(refcounts + 64 * 512 + 4096 + 168 * 1024, clean.kernelBytesKept(),
                "refcounts (max_pfn 0x180000), TDMR list, a slab page of memory list entries, PAMTs");
    }

    @Test
    void v7FlattensToEfaultAndEnodev() {
        CampaignResult result = campaign("small-v7");
        assertNoViolations(result);
        assertEquals(Map.of("ENODEV", 1), cell(result, Leaf.TDH_SYS_INIT, VMFAIL));
        assertEquals(Map.of("EFAULT", 4), cell(result, Leaf.TDH_SYS_LP_INIT, VMFAIL), "LP.INIT failures are -EFAULT");
        assertEquals(Map.of("ENODEV", 1), cell(result, Leaf.TDH_SYS_INFO, GP));
        assertEquals(Map.of("EFAULT", 1), cell(result, Leaf.TDH_SYS_CONFIG, UD));
        assertEquals(Map.of("EFAULT", 1), cell(result, Leaf.TDH_SYS_INIT, NO_ENTROPY), "v7 never retries");
        assertEquals(Map.of("ENODEV", 4), cell(result, Leaf.TDH_SYS_TDMR_INIT, GP), "v7 takes #GP as -ENODEV, with a WARN");
        assertEquals(Map.of("EFAULT", 2), cell(result, Leaf.TDH_SYS_KEY_CONFIG, GP), "but KEY.CONFIG's failures are -EFAULT");
        assertEquals(Map.of("EFAULT", 1), cell(result, Leaf.TDH_SYS_INFO, Statuses.operandInvalid(Gpr.R9)));
    }

    @Test
    void fourPackagesWithCmrHolesKeepEveryPackageConsistent() {
        CampaignResult result = campaign("small-four-socket-cmr-holes");
        assertNoViolations(result);
        assertEquals(Map.of("EIO", 4), cell(result, Leaf.TDH_SYS_KEY_CONFIG,
                StatusCode.TDX_KEY_GENERATION_FAILED.value()));
        assertEquals(Map.of("ENODEV", 4), cell(result, Leaf.TDH_SYS_KEY_CONFIG, VMFAIL));
        assertEquals(Map.of("initialized", 4), cell(result, Leaf.TDH_SYS_LP_INIT, NO_ENTROPY));
    }

    @Test
    void resultsComeInTheOrderTheKernelIssuedTheCalls() {
        CampaignResult once = campaign("small-two-socket");
        CampaignResult again = new FaultCampaign(Library.load("small-two-socket"), false).run(1, CampaignProgress.SILENT);
        assertEquals(once.runs(), again.runs());
        assertEquals(Leaf.TDH_SYS_INIT, once.sites().get(0).leaf());
        assertEquals(Leaf.TDH_SYS_TDMR_INIT, once.sites().get(once.sites().size() - 1).leaf());
    }

    /** What a campaign told its progress: the total first, then each run's share in the order they finished. */
    private static final class Heard implements CampaignProgress {
        final List<Long> totals = new ArrayList<>();
        final List<Long> runs = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void started(long seamcalls) {
            totals.add(seamcalls);
        }

        @Override
        public void ran(long seamcalls) {
            runs.add(seamcalls);
        }
    }

    @Test
    void progressCountsTheSeamcallsEachRunIssuesBeforeTheKernelGivesUp() {
        Heard heard = new Heard();
        CampaignResult result = new FaultCampaign(Library.load("small-two-socket"), false).run(1, heard);
        long cleanCalls = ScenarioRunner.run(Library.load("small-two-socket")).seamcallCount();
        assertEquals(List.of(57417L), heard.totals);
        assertEquals(heard.totals.get(0), heard.runs.stream().mapToLong(Long::longValue).sum());
        assertEquals(result.runs().size(), heard.runs.size());
        // On one thread the runs finish in the campaign's order.
        for (int i = 0; i < result.runs().size(); i++) {
            CampaignResult.Run run = result.runs().get(i);
            long expected = run.status() == NO_ENTROPY ? cleanCalls + 1 : run.site().call();
            assertEquals(expected, heard.runs.get(i), run.site() + " answered 0x" + Long.toHexString(run.status()));
        }
        assertEquals(1, result.sites().get(0).call(), "TDH.SYS.INIT is the first call");
        assertEquals(cleanCalls, result.sites().get(result.sites().size() - 1).call(),
                "the last TDH.SYS.TDMR.INIT is the clean run's last call, and counts as all of them");
    }

    @Test
    void progressAddsUpToItsTotalOnManyThreads() {
        Heard heard = new Heard();
        new FaultCampaign(Library.load("small-v7"), false).run(4, heard);
        assertEquals(List.of(19350L), heard.totals);
        assertEquals(19350L, heard.runs.stream().mapToLong(Long::longValue).sum());
    }
}
