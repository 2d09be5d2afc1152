package org.tdxemu.scenarios.campaign;

import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * Runs a scenario cleanly, then once more for every SEAMCALL the kernel issued and every status
 * that leaf can return ({@link LeafStatuses}), with exactly that one call answered by that status,
 * and checks each run:
 *
 * <ul>
 *   <li>the kernel returned what its mapping gives ({@link KernelMapping}), or the clean run's
 *       result where it retries (entropy);</li>
 *   <li>the log holds the failure lines;</li>
 *   <li>the kernel's page allocator got back every page, and every CPU its VMX reference (a run
 *       that still initializes keeps exactly what the clean run kept);</li>
 *   <li>no off-heap buffer is left allocated once the machine is closed;</li>
 *   <li>the module's state is what the calls it completed make it ({@link ModuleShadow});</li>
 *   <li>no exception escaped, and the module caught none inside a SEAMCALL.</li>
 * </ul>
 *
 * A loop that issues the same call again and again (TDH.SYS.TDMR.INIT on one TDMR) is faulted at
 * its first and its last call; {@code everyCall} faults all of them.
 */
public final class FaultCampaign {

    private final Scenario scenario;
    private final boolean everyCall;

    public FaultCampaign(Scenario scenario, boolean everyCall) {
        this.scenario = scenario.withFaultsOnly(List.of());
        this.everyCall = everyCall;
    }

    /** Runs the campaign on {@code threads} threads, telling {@code progress} the work of every run. */
    public CampaignResult run(int threads, CampaignProgress progress) {
        CleanRun cleanRun = cleanRun();
        RunReport clean = cleanRun.report();
        List<Issued> calls = cleanRun.calls();
        List<CallSite> sites = sites(calls);
        List<Planned> planned = new ArrayList<>();
        for (CallSite site : sites) {
            for (long status : LeafStatuses.of(site.leaf())) {
                planned.add(new Planned(site, status, seamcalls(site, status, calls.size())));
            }
        }
        progress.started(planned.stream().mapToLong(Planned::seamcalls).sum());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        ThreadLocal<PooledByteBufAllocator> buffers = ThreadLocal.withInitial(
                () -> new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false));
        try {
            List<Future<CampaignResult.Run>> futures = new ArrayList<>();
            for (Planned run : planned) {
                futures.add(pool.submit(() -> {
                    CampaignResult.Run done = faulted(run.site(), run.status(), clean, buffers.get());
                    progress.ran(run.seamcalls());
                    return done;
                }));
            }
            List<CampaignResult.Run> runs = new ArrayList<>();
            for (Future<CampaignResult.Run> f : futures) {
                runs.add(f.get());
            }
            return new CampaignResult(scenario.name(), sites, runs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the fault campaign was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a campaign run failed outside its checks", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One run to make: {@code site} answered {@code status}, counted as {@code seamcalls} of work. */
    private record Planned(CallSite site, long status, long seamcalls) {
    }

    /**
     * About how many SEAMCALLs the run that answers {@code site} with {@code status} issues: the
     * kernel gives up at the failed call, the {@code site.call()}-th, unless it retries through it
     * (mainline's TDX_RND_NO_ENTROPY), when it issues every call of the clean run and one more.
     */
    private long seamcalls(CallSite site, long status, int cleanCalls) {
        boolean retried = KernelMapping.errno(scenario.kernel().profile(), site.leaf(), status).isEmpty();
        return retried ? cleanCalls + 1L : site.call();
    }

    /** One SEAMCALL as the clean run issued it. */
    private record Issued(Leaf leaf, int cpu, RegisterFile in) {
        boolean sameCallAs(Issued other) {
            return other != null && leaf == other.leaf && cpu == other.cpu && in.equals(other.in);
        }
    }

    /** The clean run: what it came to, and its SEAMCALLs as the module saw them. */
    private record CleanRun(RunReport report, List<Issued> calls) {
    }

    /** Runs the scenario once without faults (the campaign's scenario has none), recording every SEAMCALL. */
    private CleanRun cleanRun() {
        List<Issued> calls = new ArrayList<>();
        RunReport report = ScenarioRunner.run(scenario, new Instruments(Optional.empty(), PooledByteBufAllocator.DEFAULT,
                module -> (cpu, registers) -> {
                    Optional<Leaf> leaf = LeafSelector.decode(registers.rax()).leaf();
                    leaf.ifPresent(l -> calls.add(new Issued(l, cpu, registers.copy())));
                    return module.call(cpu, registers);
                }));
        return new CleanRun(report, calls);
    }

    /** Numbers each call by leaf; a run of identical calls keeps its first and last unless every call is asked for. */
    private List<CallSite> sites(List<Issued> calls) {
        List<CallSite> sites = new ArrayList<>();
        Map<Leaf, Integer> occurrences = new HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            Issued call = calls.get(i);
            int occurrence = occurrences.merge(call.leaf(), 1, Integer::sum);
            boolean repeatsPrevious = call.sameCallAs(i > 0 ? calls.get(i - 1) : null);
            boolean repeatedNext = call.sameCallAs(i + 1 < calls.size() ? calls.get(i + 1) : null);
            if (everyCall || !repeatsPrevious || !repeatedNext) {
                sites.add(new CallSite(call.leaf(), occurrence, call.cpu(), i + 1));
            }
        }
        return sites;
    }

    private CampaignResult.Run faulted(CallSite site, long status, RunReport clean, PooledByteBufAllocator buffers) {
        FaultSpec fault = new FaultSpec(site.leaf(), site.occurrence(), OptionalInt.empty(), status, 1, Map.of(),
                FaultSpec.Mode.INSTEAD);
        Scenario faulted = scenario.withFaultsOnly(List.of(fault));
        Profile profile = scenario.kernel().profile();
        List<String> violations = new ArrayList<>();
        ModuleShadow[] shadow = new ModuleShadow[1];
        RunReport report;
        try {
            report = ScenarioRunner.run(faulted, new Instruments(Optional.empty(), buffers, module -> {
                shadow[0] = new ModuleShadow(module, scenario.platform(), scenario.module().version());
                return shadow[0];
            }));
        } catch (RuntimeException | Error e) {
            violations.add("exception: " + e);
            return new CampaignResult.Run(site, status, CampaignResult.Run.THREW, violations);
        }
        Optional<Errno> expected = KernelMapping.errno(profile, site.leaf(), status);
        boolean retried = expected.isEmpty();
        Optional<Errno> wanted = retried ? clean.errno() : expected;
        if (!report.errno().equals(wanted)) {
            violations.add("the kernel returned " + report.errno().map(Enum::name).orElse("success") + ", its mapping gives "
                    + wanted.map(Enum::name).orElse("success"));
        }
        if (report.faultsInjected() != 1) {
            violations.add("the fault answered " + report.faultsInjected() + " calls, not 1");
        }
        List<String> lines = retried ? List.of() : KernelMapping.lines(profile, site.leaf(), status, expected);
        int from = 0;
        for (String line : lines) {
            int at = report.log().subList(from, report.log().size()).indexOf(line);
            if (at < 0) {
                violations.add("the log lacks: " + line);
            } else {
                from += at + 1;
            }
        }
        long keptExpected = report.initialized() ? clean.kernelBytesKept() : 0;
        if (report.kernelBytesKept() != keptExpected) {
            violations.add("the kernel kept " + report.kernelBytesKept() + " bytes of RAM, expected " + keptExpected);
        }
        Map<Integer, Integer> vmxExpected = report.initialized() ? clean.vmxReferencesKept() : Map.of();
        if (!report.vmxReferencesKept().equals(vmxExpected)) {
            violations.add("the kernel holds VMX references " + report.vmxReferencesKept() + " (by CPU), expected "
                    + vmxExpected);
        }
        long buffersLeft = buffers.metric().directArenas().get(0).numActiveAllocations();
        if (buffersLeft != 0) {
            violations.add(buffersLeft + " off-heap buffers still allocated after the machine was closed");
        }
        violations.addAll(shadow[0].inconsistencies(report.module()));
        return new CampaignResult.Run(site, status, report.errno().map(Enum::name).orElse(CampaignResult.Run.INITIALIZED),
                violations);
    }
}
