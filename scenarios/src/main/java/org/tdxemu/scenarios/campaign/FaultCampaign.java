package org.tdxemu.scenarios.campaign;

import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tdxemu.emulator.memory.PagePool;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.scenarios.run.Emulation;
import org.tdxemu.scenarios.run.Instruments;
import org.tdxemu.scenarios.run.Machine;
import org.tdxemu.scenarios.run.RunReport;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.leaf.Leaf;

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
 *
 * <p>Every run repeats the clean run up to the call it fails, and on a multi-terabyte host that is
 * millions of TDH.SYS.TDMR.INIT calls. So the clean run is recorded ({@link Tape}) and, by default
 * ({@link Prefix#FROM_CLEAN_RUN}), each run's kernel is answered from that record for as long as it
 * asks exactly what the clean run asked; the module and host memory work only from the first
 * request that differs. {@link Prefix#RERUN} runs every call on the module, as a check of that.
 */
public final class FaultCampaign {

    /** How a run gets through the calls before the one it fails. */
    public enum Prefix {
        /** Answered from the clean run while the run repeats it, call by call: the default. */
        FROM_CLEAN_RUN,
        /** Every call issued to a fresh module: slower, and what {@link #FROM_CLEAN_RUN} must agree with. */
        RERUN
    }

    private final Scenario scenario;
    private final boolean everyCall;
    private final Prefix prefix;

    public FaultCampaign(Scenario scenario, boolean everyCall) {
        this(scenario, everyCall, Prefix.FROM_CLEAN_RUN);
    }

    public FaultCampaign(Scenario scenario, boolean everyCall, Prefix prefix) {
        this.scenario = scenario.withFaultsOnly(List.of());
        this.everyCall = everyCall;
        this.prefix = prefix;
    }

    /** Runs the whole campaign on {@code threads} threads, telling {@code progress} the work of every run. */
    public CampaignResult run(int threads, CampaignProgress progress) {
        return run(threads, progress, RunSelection.EVERY_RUN);
    }

    /**
     * Makes the runs {@code selection} chooses (a shard's, say) on {@code threads} threads, telling
     * {@code progress} their work. The result holds every faulted call and those runs, in the
     * campaign's order.
     */
    public CampaignResult run(int threads, CampaignProgress progress, RunSelection selection) {
        CleanRun clean = cleanRun();
        List<Site> sites = sites(clean.tape());
        List<PlannedRun> planned = plan(sites, clean.knownCalls(), selection);
        Tape tape = prefix == Prefix.FROM_CLEAN_RUN ? clean.tape().withModuleStatuses(statusesNeeded(planned, clean),
                () -> new Machine(scenario.platform(), scenario.module().settings(), PooledByteBufAllocator.DEFAULT))
                : clean.tape();
        progress.started(planned.stream().mapToLong(PlannedRun::seamcalls).sum());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        ThreadLocal<PagePool> buffers = ThreadLocal.withInitial(PagePool::new);
        try {
            List<Future<CampaignResult.Run>> futures = new ArrayList<>();
            for (PlannedRun run : planned) {
                futures.add(pool.submit(() -> {
                    CampaignResult.Run done = faulted(run, clean.report(), tape, buffers.get());
                    progress.ran(run.seamcalls());
                    return done;
                }));
            }
            List<CampaignResult.Run> runs = new ArrayList<>();
            for (Future<CampaignResult.Run> f : futures) {
                runs.add(f.get());
            }
            return new CampaignResult(scenario.name(), sites.stream().map(Site::call).toList(), runs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the fault campaign was interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a campaign run failed outside its checks", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What makes this campaign this one: the scenario as it runs and which calls are faulted, as
     * hex. Shards carry it, so that only shards of one campaign are merged.
     */
    public String fingerprint() {
        String identity = String.join("\n", scenario.name(), scenario.platformJson().toString(),
                scenario.moduleJson().toString(), scenario.kernel().toString(), everyCall ? "every call" : "first and last");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A call of the clean run that is faulted, and how many calls the module had answered before it. */
    private record Site(CallSite call, long callsBefore) {
    }

    /** One run to make: {@code site} answered {@code status}, counted as {@code seamcalls} of work. */
    private record PlannedRun(Site site, long status, long seamcalls) {
    }

    /** The clean run: what it came to, and every call and memory access of it. */
    private record CleanRun(RunReport report, Tape tape, long knownCalls) {
    }

    /** Runs the scenario once without faults (the campaign's scenario has none), recording it. */
    private CleanRun cleanRun() {
        Tape.Recorder recorder = new Tape.Recorder();
        RunReport report = ScenarioRunner.run(scenario,
                Instruments.NONE.watchingModule(recorder::module).watchingKernelMemory(recorder::kernelMemory));
        Tape tape = recorder.tape();
        long knownCalls = 0;
        for (Tape.Event event : tape.events()) {
            if (event instanceof Tape.Calls calls && calls.leaf().isPresent()) {
                knownCalls += calls.times();
            }
        }
        return new CleanRun(report, tape, knownCalls);
    }

    /**
     * The calls to fault, each numbered by leaf: calls of a leaf tdxemu does not know are left out;
     * a run of identical calls keeps its first and last unless every call is asked for.
     */
    private List<Site> sites(Tape tape) {
        List<Tape.Event> events = tape.events();
        Tape.Calls[] nextKnown = new Tape.Calls[events.size()];
        Tape.Calls following = null;
        for (int e = events.size() - 1; e >= 0; e--) {
            nextKnown[e] = following;
            if (events.get(e) instanceof Tape.Calls calls && calls.leaf().isPresent()) {
                following = calls;
            }
        }
        List<Site> sites = new ArrayList<>();
        Map<Leaf, Integer> occurrences = new EnumMap<>(Leaf.class);
        Tape.Calls previousKnown = null;
        int number = 0;
        long callsBefore = 0;
        for (int e = 0; e < events.size(); e++) {
            if (!(events.get(e) instanceof Tape.Calls calls)) {
                continue;
            }
            Optional<Leaf> leaf = calls.leaf();
            if (leaf.isPresent()) {
                int occurrence = occurrences.getOrDefault(leaf.get(), 0);
                long last = calls.times() - 1;
                // Calls inside a run of identical ones are never sites but with everyCall: go from the first to the last.
                for (long j = 0; j <= last; j = everyCall || j >= last - 1 ? j + 1 : last) {
                    boolean repeatsPrevious = j > 0 || calls.sameCallAs(previousKnown);
                    boolean repeatedNext = j < last || calls.sameCallAs(nextKnown[e]);
                    if (everyCall || !repeatsPrevious || !repeatedNext) {
                        sites.add(new Site(new CallSite(leaf.get(), occurrence + (int) j + 1, calls.cpu(),
                                number + (int) j + 1), callsBefore + j));
                    }
                }
                occurrences.put(leaf.get(), occurrence + (int) calls.times());
                number += (int) calls.times();
                previousKnown = calls;
            }
            callsBefore += calls.times();
        }
        return sites;
    }

    /** Each site with each status its leaf can return, in that order; of those, the runs {@code selection} chooses. */
    private List<PlannedRun> plan(List<Site> sites, long cleanCalls, RunSelection selection) {
        List<PlannedRun> every = new ArrayList<>();
        for (Site site : sites) {
            for (long status : LeafStatuses.of(site.call().leaf())) {
                every.add(new PlannedRun(site, status, seamcalls(site.call(), status, cleanCalls)));
            }
        }
        List<PlannedRun> chosen = new ArrayList<>();
        for (int run = 0; run < every.size(); run++) {
            if (selection.chooses(run, every.size())) {
                chosen.add(every.get(run));
            }
        }
        return chosen;
    }

    /**
     * About how many SEAMCALLs the run that answers {@code site} with {@code status} issues: the
     * kernel gives up at the failed call, the {@code site.call()}-th, unless it retries through it
     * (mainline's TDX_RND_NO_ENTROPY), when it issues every call of the clean run and one more.
     */
    private long seamcalls(CallSite site, long status, long cleanCalls) {
        boolean retried = KernelMapping.errno(scenario.kernel().profile(), site.leaf(), status).isEmpty();
        return retried ? cleanCalls + 1 : site.call();
    }

    /**
     * Where runs that never leave the tape can end: just before their faulted call (the kernel
     * gives up there), or at the end of the clean run (it retried its way through).
     */
    private static Set<Long> statusesNeeded(List<PlannedRun> planned, CleanRun clean) {
        Set<Long> positions = new TreeSet<>();
        planned.forEach(run -> positions.add(run.site().callsBefore()));
        positions.add(clean.tape().calls());
        return positions;
    }

    private CampaignResult.Run faulted(PlannedRun run, RunReport clean, Tape tape, PagePool buffers) {
        CallSite site = run.site().call();
        FaultSpec fault = new FaultSpec(site.leaf(), site.occurrence(), OptionalInt.empty(), run.status(), 1, Map.of(),
                FaultSpec.Mode.INSTEAD);
        Scenario faulted = scenario.withFaultsOnly(List.of(fault));
        Supplier<Machine> machines = () -> new Machine(scenario.platform(), scenario.module().settings(),
                buffers.allocator());
        Function<Scenario, Emulation> machine = prefix == Prefix.FROM_CLEAN_RUN
                ? s -> tape.follower(machines) : s -> machines.get();
        ModuleShadow shadow = new ModuleShadow(scenario.platform(), scenario.module().version());
        RunReport report;
        try {
            report = ScenarioRunner.run(faulted, Instruments.NONE.on(machine).watchingModule(shadow::watching));
        } catch (RuntimeException | Error e) {
            return new CampaignResult.Run(site, run.status(), CampaignResult.Run.THREW, List.of("exception: " + e));
        }
        List<String> violations = violations(site, run.status(), report, clean);
        long buffersLeft = buffers.liveBuffers();
        if (buffersLeft != 0) {
            violations.add(buffersLeft + " off-heap buffers still allocated after the machine was closed");
        }
        violations.addAll(shadow.inconsistencies(report.module()));
        return new CampaignResult.Run(site, run.status(),
                report.errno().map(Enum::name).orElse(CampaignResult.Run.INITIALIZED), violations);
    }

    /** What the kernel made of {@code site} answering {@code status}, against its mapping and the clean run. */
    private List<String> violations(CallSite site, long status, RunReport report, RunReport clean) {
        List<String> violations = new ArrayList<>();
        Profile profile = scenario.kernel().profile();
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
        return violations;
    }
}
