package org.tdxemu.scenarios.dmesg;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.scenarios.dmesg.Fact.Cmr;
import org.tdxemu.scenarios.dmesg.Fact.InitializationFailed;
import org.tdxemu.scenarios.dmesg.Fact.Initialized;
import org.tdxemu.scenarios.dmesg.Fact.KeyIdRange;
import org.tdxemu.scenarios.dmesg.Fact.LinuxRelease;
import org.tdxemu.scenarios.dmesg.Fact.ModuleRelease;
import org.tdxemu.scenarios.dmesg.Fact.PamtAllocated;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.dmesg.LineReader.Unreadable;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.Range;

/**
 * Turns a real machine's kernel log into a scenario (docs/scenarios.md, "Importing a boot log"):
 * the platform and module it describes, the kernel that printed it, and, as the expectation, what
 * that kernel printed. Every value records the lines it came from or why it had to be assumed.
 */
public final class Importer {

    /** What a log never shows: the limits every module on record reports (kernel-init.md §2.8), the scenario default. */
    static final ModuleSpec LIMITS = ModuleSpec.DEFAULT;
    /** Scenario files' default CPUs per package, for a log that shows none. */
    static final int DEFAULT_CPUS_PER_PACKAGE = 4;
    private static final long PAGE = PageSize.SIZE_4K.bytes();
    /** How messages name a log read from standard input. */
    public static final String STANDARD_INPUT = "standard input";

    private final String logName;
    private final BootLog log;
    private final List<Source> sources = new ArrayList<>();
    private final List<Unreadable> unread = new ArrayList<>();

    private Importer(String logName, BootLog log) {
        this.logName = logName;
        this.log = log;
        unread.addAll(log.unreadable());
    }

    /** Imports the log called {@code logName} (for messages and the scenario's name). */
    public static ImportedMachine of(String logName, BootLog log) {
        return new Importer(logName, log).machine();
    }

    private ImportedMachine machine() {
        requireOneBoot();
        List<Read> cmrLines = log.all(Cmr.class);
        if (cmrLines.isEmpty()) {
            throw new ScenarioException(logName + ": no CMR lines (`virt/tdx: CMR: [start, end)`), and a scenario needs "
                    + "the CMRs; `dmesg | grep -i tdx` on a kernel with TDX host support prints them");
        }
        Cpus cpus = Cpus.of(logName, log, sources);
        KeyIds keyIds = keyIds();
        List<Range> cmrs = cmrs(cmrLines, keyIds);
        List<MemoryRegion> memory = MemoryMap.of(logName, log, cmrs, memoryTop(keyIds), sources);
        ModuleVersion version = module();
        sources.add(Source.assumed(List.of("module.maxTdmrs", "module.maxReservedPerTdmr", "module.pamtEntrySize"),
                "a kernel log never shows the module's limits; " + LIMITS.maxTdmrs() + " TDMRs, "
                        + LIMITS.maxReservedPerTdmr() + " reserved areas per TDMR and " + LIMITS.pamtEntrySize()
                        + "-byte PAMT entries are what every "
                        + "module on record reports"));
        KernelChoice kernel = KernelChoice.of(logName, log, sources);
        Optional<MachineOutcome> outcome = outcome(kernel.profile());
        return new ImportedMachine(logName, scenarioName(), cpus, keyIds, cmrs, memory, version, kernel, outcome,
                log.said(), sources, unread);
    }

    /** A log of several boots would mix their facts; each boot begins with its {@code Linux version} line. */
    private void requireOneBoot() {
        List<Read> boots = log.all(LinuxRelease.class);
        if (boots.size() > 1) {
            throw new ScenarioException(logName + ": " + Source.lineWords(boots.stream().map(r -> r.line().number())
                    .toList()) + " each begin a boot; import one boot's log (`journalctl -k -b 0` prints the "
                    + "current one)");
        }
    }

    private KeyIds keyIds() {
        Optional<Read> line = agreed(KeyIdRange.class, KeyIdRange::words);
        if (line.isEmpty()) {
            sources.add(Source.assumed("platform.keyIds", "the log has no `BIOS enabled: private KeyID range` line; "
                    + "31 MKTME and 32 TDX KeyIDs, the scenario default"));
            return new KeyIds(31, 32, KeyIds.bitsFor(31, 32));
        }
        KeyIdRange range = (KeyIdRange) line.get().fact();
        int mktme = range.start() - 1;
        int tdx = range.end() - range.start();
        int bits = KeyIds.bitsFor(mktme, tdx);
        if (bits > 16) {
            throw new ScenarioException(at(line.get()) + range.words() + " needs " + bits
                    + " KeyID bits; at most 16 are possible");
        }
        sources.add(Source.read("platform.keyIds", lines(log.all(KeyIdRange.class)), "TDX KeyIDs " + range.start()
                + " to " + (range.end() - 1) + "; the " + mktme + " below them, KeyID 0 excluded, are MKTME KeyIDs"));
        return new KeyIds(mktme, tdx, bits);
    }

    private static long memoryTop(KeyIds keyIds) {
        return 1L << (PhysicalAddress.MAX_BITS - keyIds.bits());
    }

    /** The CMRs in address order; a CMR the log repeats counts once, and two that overlap contradict each other. */
    private List<Range> cmrs(List<Read> lines, KeyIds keyIds) {
        List<Read> kept = new ArrayList<>();
        for (Read line : lines) {
            Range cmr = ((Cmr) line.fact()).range();
            if (((cmr.start() | cmr.end()) & (PAGE - 1)) != 0) {
                unread.add(new Unreadable(line.line(), "CMR " + cmr + " is not 4 KiB aligned, and the module's CMRs are"));
                continue;
            }
            if (Long.compareUnsigned(cmr.end(), memoryTop(keyIds)) > 0) {
                throw new ScenarioException(String.format("%sCMR %s ends above 0x%x: with %d KeyID bits, memory decodes "
                        + "%d address bits", at(line), cmr, memoryTop(keyIds), keyIds.bits(),
                        PhysicalAddress.MAX_BITS - keyIds.bits()));
            }
            Optional<Read> same = kept.stream().filter(k -> ((Cmr) k.fact()).range().equals(cmr)).findFirst();
            if (same.isPresent()) {
                continue;
            }
            for (Read other : kept) {
                Range earlier = ((Cmr) other.fact()).range();
                if (earlier.overlaps(cmr)) {
                    throw new ScenarioException(logName + ": line " + other.line().number() + " says CMR " + earlier
                            + " but line " + line.line().number() + " says CMR " + cmr + ", which overlaps it");
                }
            }
            kept.add(line);
        }
        if (kept.isEmpty()) {
            throw new ScenarioException(logName + ": none of the CMR lines could be read ("
                    + Source.lineWords(lines(lines)) + ")");
        }
        if (kept.size() > Platform.MAX_CMRS) {
            throw new ScenarioException(logName + ": " + kept.size() + " CMRs; the module reports at most "
                    + Platform.MAX_CMRS);
        }
        sources.add(Source.read("platform.cmrs", lines(lines), ""));
        return kept.stream().map(r -> ((Cmr) r.fact()).range()).sorted().toList();
    }

    private ModuleVersion module() {
        Optional<Read> line = agreed(ModuleRelease.class, m -> "module " + m.major() + "." + m.minor());
        Optional<ModuleRelease> release = line.map(r -> (ModuleRelease) r.fact()).filter(r -> r.major() > 0);
        if (release.isEmpty()) {
            sources.add(Source.assumed("module.version", line.isPresent()
                    ? "the log's module version 0.0 means the kernel could not read it; personality 1.5, the newest"
                    : "the log does not show the module's version; personality 1.5, the newest"));
            return ModuleVersion.V1_5;
        }
        ModuleRelease module = release.get();
        ModuleVersion version = module.major() == 1 && module.minor() < 5 ? ModuleVersion.V1_0 : ModuleVersion.V1_5;
        boolean exact = module.major() == 1 && (module.minor() == 0 || module.minor() == 5);
        String why = exact ? "module " + module.version() + " is personality " + version.label()
                : version == ModuleVersion.V1_0 ? "module " + module.version() + " predates TDH.SYS.RD (1.5); it plays as "
                + "personality 1.0" : "module " + module.version() + " is newer than every personality; it plays as 1.5, "
                + "the newest";
        sources.add(new Source(List.of("module.version"), lines(log.all(ModuleRelease.class)), why, !exact));
        return version;
    }

    /** What the machine's kernel said about the outcome, as the scenario's expectation. */
    private Optional<MachineOutcome> outcome(Profile profile) {
        List<Read> said = log.said();
        if (said.isEmpty()) {
            return Optional.empty();
        }
        Optional<Read> initialized = agreed(Initialized.class, Initialized::words);
        Optional<Read> failed = agreed(InitializationFailed.class, InitializationFailed::words);
        if (initialized.isPresent() && failed.isPresent()) {
            throw new ScenarioException(logName + ": line " + initialized.get().line().number() + " says the module "
                    + "initialized but line " + failed.get().line().number() + " says its initialization failed");
        }
        Optional<Read> pamt = agreed(PamtAllocated.class, PamtAllocated::words);
        Optional<Errno> errno = failed.flatMap(f -> errno(((InitializationFailed) f.fact())));
        List<String> verbatim = said.stream().filter(r -> r.printedBy().contains(profile))
                .map(r -> r.line().message()).toList();
        sources.add(Source.read("expect", lines(said), verbatim.size() == said.size() ? ""
                : (said.size() - verbatim.size()) + " of the lines are in another kernel's words than the "
                        + ScenarioReader.profileName(profile) + " profile's: the expectation keeps what they say, not their text"));
        return Optional.of(new MachineOutcome(initialized.isPresent() ? Optional.of(true)
                : failed.isPresent() ? Optional.of(false) : Optional.empty(), errno,
                pamt.map(r -> ((PamtAllocated) r.fact()).kb()), verbatim));
    }

    private Optional<Errno> errno(InitializationFailed failed) {
        if (failed.kernelReturn().isEmpty()) {
            return Optional.empty();
        }
        int number = -failed.kernelReturn().getAsInt();
        for (Errno errno : Errno.values()) {
            if (errno.number() == number) {
                return Optional.of(errno);
            }
        }
        return Optional.empty();
    }

    /** The one value the lines of {@code kind} state; lines that state different values are an error naming two. */
    private <F extends Fact> Optional<Read> agreed(Class<F> kind, Function<F, String> words) {
        List<Read> lines = log.all(kind);
        for (Read line : lines) {
            String these = words.apply(kind.cast(line.fact()));
            String first = words.apply(kind.cast(lines.get(0).fact()));
            if (!these.equals(first)) {
                throw new ScenarioException(logName + ": line " + lines.get(0).line().number() + " says " + first
                        + " but line " + line.line().number() + " says " + these);
            }
        }
        return lines.stream().findFirst();
    }

    private String at(Read line) {
        return logName + ":" + line.line().number() + ": ";
    }

    static List<Integer> lines(List<Read> reads) {
        return reads.stream().map(r -> r.line().number()).toList();
    }

    /** The log's file name without folders and the usual endings; {@code imported} for standard input. */
    private String scenarioName() {
        String name = logName.substring(Math.max(logName.lastIndexOf('/'), logName.lastIndexOf('\\')) + 1);
        name = name.replaceAll("(\\.gz)$", "").replaceAll("\\.(log|txt|dmesg|out)$", "");
        name = name.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return name.isEmpty() || logName.equals(STANDARD_INPUT) ? "imported" : name;
    }

    /** The machine's outcome: initialized or not (when the log says), the errno, the PAMT, and its own lines. */
    public record MachineOutcome(Optional<Boolean> initialized, Optional<Errno> errno, Optional<Long> pamtKb,
                                 List<String> log) {
    }
}
