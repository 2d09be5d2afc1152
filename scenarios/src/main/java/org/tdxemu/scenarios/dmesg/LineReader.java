package org.tdxemu.scenarios.dmesg;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tdxemu.kernel.Profile;
import org.tdxemu.scenarios.dmesg.Fact.BootImage;
import org.tdxemu.scenarios.dmesg.Fact.Cmr;
import org.tdxemu.scenarios.dmesg.Fact.CpusActivated;
import org.tdxemu.scenarios.dmesg.Fact.DynamicPamtEnabled;
import org.tdxemu.scenarios.dmesg.Fact.E820;
import org.tdxemu.scenarios.dmesg.Fact.Initialized;
import org.tdxemu.scenarios.dmesg.Fact.InitializationFailed;
import org.tdxemu.scenarios.dmesg.Fact.KeyIdRange;
import org.tdxemu.scenarios.dmesg.Fact.LinuxRelease;
import org.tdxemu.scenarios.dmesg.Fact.LogicalPackages;
import org.tdxemu.scenarios.dmesg.Fact.ModuleRelease;
import org.tdxemu.scenarios.dmesg.Fact.NodeMemory;
import org.tdxemu.scenarios.dmesg.Fact.NodesBroughtUp;
import org.tdxemu.scenarios.dmesg.Fact.NotConvertible;
import org.tdxemu.scenarios.dmesg.Fact.PamtAllocated;
import org.tdxemu.scenarios.dmesg.Fact.ReservedAreasExhausted;
import org.tdxemu.scenarios.dmesg.Fact.SeamcallFailed;
import org.tdxemu.scenarios.dmesg.Fact.SmpBootNode;
import org.tdxemu.scenarios.dmesg.Fact.SratNode;
import org.tdxemu.scenarios.dmesg.Fact.TdmrsExhausted;
import org.tdxemu.seamcall.memory.Range;

/**
 * Reads one line of a kernel log: which fact it states, in which kernel's words. The table below
 * is every wording tdxemu understands (docs/scenarios.md, "Importing a boot log", lists them); a
 * line that starts like one of them but does not finish like any is reported, not guessed at.
 */
public final class LineReader {

    /** The prefixes of arch/x86/virt/vmx/tdx/tdx.c's messages: merged kernels, then the 2022 series and older. */
    private static final Pattern TDX_PREFIX = Pattern.compile("^(virt/tdx: |tdx: )");

    private static final String HEX = "(0x[0-9a-fA-F]+)";
    private static final String NUMBER = "(\\d+)";
    private static final Set<Profile> MAINLINE = EnumSet.of(Profile.MAINLINE);
    /** Every merged kernel: 6.18 and today's mainline, with or without the Dynamic PAMT series. */
    private static final Set<Profile> MERGED = EnumSet.of(Profile.MAINLINE, Profile.LATEST, Profile.DPAMT);
    /** Today's mainline, with or without the Dynamic PAMT series. */
    private static final Set<Profile> LATEST = EnumSet.of(Profile.LATEST, Profile.DPAMT);
    private static final Set<Profile> V7 = EnumSet.of(Profile.V7);
    private static final Set<Profile> NONE = EnumSet.noneOf(Profile.class);

    /** One wording of a fact: the whole message, the kernels that print it word for word, and the fact it states. */
    private record Wording(Pattern message, Set<Profile> printedBy, Function<Matcher, Fact> fact) {
        Wording(String message, Set<Profile> printedBy, Function<Matcher, Fact> fact) {
            this(Pattern.compile("^" + message + "$"), printedBy, fact);
        }
    }

    /**
     * A kind of line: what gives it away ({@code cue}, found anywhere in the message), what to call
     * it when it is unreadable, and its wordings. {@code tdx} kinds are messages of the TDX code and
     * carry its prefix; the others are the rest of the boot log.
     */
    private record Kind(boolean tdx, Pattern cue, String what, List<Wording> wordings) {
        Kind(boolean tdx, String cue, String what, Wording... wordings) {
            this(tdx, Pattern.compile(cue), what, List.of(wordings));
        }
    }

    private static final List<Kind> KINDS = List.of(
            new Kind(true, "^(Kernel-checked-)?CMR\\b", "a CMR line",
                    new Wording("CMR(?:\\[\\d+\\]| ?\\d+)?: \\[" + HEX + ", " + HEX + "\\)", NONE,
                            m -> new Cmr(range(m.group(1), m.group(2)))),
                    new Wording("Kernel-checked-CMR : \\[" + HEX + ", " + HEX + "\\)", NONE,
                            m -> new Cmr(range(m.group(1), m.group(2))))),
            new Kind(true, "KeyID range", "a KeyID line",
                    new Wording("BIOS enabled: private KeyID range \\[" + NUMBER + ", " + NUMBER + "\\)", MERGED,
                            m -> keyIds(m.group(1), m.group(2))),
                    new Wording("TDX enabled by BIOS\\. TDX private KeyID range: \\[" + NUMBER + ", " + NUMBER + "\\)", V7,
                            m -> keyIds(m.group(1), m.group(2)))),
            new Kind(true, "(?i)module.*(version|verson|build)", "a module version line",
                    new Wording("TDX module: att?ributes 0x[0-9a-fA-F]+, vendor_id 0x[0-9a-fA-F]+, major_version " + NUMBER
                            + ", minor_version " + NUMBER + ", build_date " + NUMBER + ", build_num " + NUMBER, NONE,
                            m -> module(m.group(1), m.group(2), m.group(1) + "." + m.group(2) + " (build " + m.group(4)
                                    + ", " + m.group(3) + ")")),
                    new Wording("TDX module " + NUMBER + "\\.(\\d+)((?:\\.\\d+)*), build number \\d+, build date [0-9a-fA-F]+",
                            NONE, m -> module(m.group(1), m.group(2), m.group(1) + "." + m.group(2) + m.group(3))),
                    new Wording("(?:TDX )?[Mm]odule (?:version|verson): " + NUMBER + "\\.(\\d+)((?:\\.\\d+)*)", NONE,
                            m -> module(m.group(1), m.group(2), m.group(1) + "." + m.group(2) + m.group(3)))),
            new Kind(true, "allocated for PAMT", "a PAMT line",
                    new Wording(NUMBER + " KB allocated for PAMT", MERGED, m -> new PamtAllocated(number(m.group(1)))),
                    new Wording(NUMBER + " KBs allocated for PAMT\\.?", NONE, m -> new PamtAllocated(number(m.group(1)))),
                    new Wording(NUMBER + " pages allocated for PAMT\\.", V7,
                            m -> new PamtAllocated(Math.multiplyExact(number(m.group(1)), 4)))),
            new Kind(true, "(?i)module initialized", "a module-initialized line",
                    new Wording("module initialized", MAINLINE, m -> new Initialized()),
                    new Wording("module initialized\\.", NONE, m -> new Initialized()),
                    new Wording("TDX module initialized\\.", V7, m -> new Initialized()),
                    new Wording("TDX-Module initialized", LATEST, m -> new Initialized())),
            new Kind(true, "(?i)module initialization failed|Failed to initialize TDX module", "an initialization-failed line",
                    new Wording("module initialization failed \\((-?\\d+)\\)", MAINLINE, m -> failed(m.group(1))),
                    new Wording("TDX-Module initialization failed \\((-?\\d+)\\)", LATEST, m -> failed(m.group(1))),
                    new Wording("Failed to initialize TDX module\\. Shut it down\\.", V7,
                            m -> new InitializationFailed(OptionalInt.empty()))),
            new Kind(true, "Dynamic PAMT", "a Dynamic PAMT line",
                    new Wording("Enable Dynamic PAMT", EnumSet.of(Profile.DPAMT), m -> new DynamicPamtEnabled())),
            new Kind(true, "reserved areas exhausted", "a reserved-areas line",
                    new Wording("initialization failed: TDMR \\[" + HEX + ", " + HEX + "\\): reserved areas exhausted\\.",
                            MERGED, m -> new ReservedAreasExhausted(range(m.group(1), m.group(2))))),
            new Kind(true, "TDMRs exhausted", "a TDMRs-exhausted line",
                    new Wording("initialization failed: TDMRs exhausted\\.", MERGED, m -> new TdmrsExhausted())),
            new Kind(true, "^SEAMCALL \\(", "a SEAMCALL failure line",
                    new Wording("SEAMCALL \\(" + HEX + "\\) failed: " + HEX, MERGED,
                            m -> new SeamcallFailed(hex(m.group(1)), hex(m.group(2))))),
            new Kind(true, "(?i)not TDX convertible", "a not-convertible line",
                    new Wording("memory region \\[" + HEX + ", " + HEX + "\\) is not TDX convertible memory\\.", MERGED,
                            m -> new NotConvertible(range(m.group(1), m.group(2)))),
                    new Wording("Memory region \\[" + HEX + ", " + HEX + "\\) is not TDX convertible memorry\\.", V7,
                            m -> new NotConvertible(range(m.group(1), m.group(2))))),
            new Kind(false, "^Linux version ", "a Linux version line",
                    new Wording("Linux version (" + NUMBER + "\\.(\\d+)\\S*)(?: .*)?", NONE,
                            m -> new LinuxRelease(m.group(1), integer(m.group(2)), integer(m.group(3))))),
            new Kind(false, "^(Kernel )?[Cc]ommand line: .*vmlinuz-\\d", "a command line",
                    new Wording("(?:Kernel )?[Cc]ommand line: .*vmlinuz-(" + NUMBER + "\\.(\\d+)[^\\s/]*)(?: .*)?", NONE,
                            m -> new BootImage(m.group(1), integer(m.group(2)), integer(m.group(3))))),
            new Kind(false, "^BIOS-e820: ", "an e820 line",
                    new Wording("BIOS-e820: \\[mem " + HEX + "-" + HEX + "\\] (.+)", NONE,
                            m -> new E820(inclusive(m.group(1), m.group(2)), m.group(3).strip()))),
            new Kind(false, "^ACPI: SRAT: Node ", "an SRAT line",
                    new Wording("ACPI: SRAT: Node " + NUMBER + " PXM \\d+ \\[mem " + HEX + "-" + HEX + "\\]( hotplug)?", NONE,
                            m -> new SratNode(integer(m.group(1)), inclusive(m.group(2), m.group(3))))),
            new Kind(false, "^\\s*node\\s+\\d+: \\[mem", "a node memory line",
                    new Wording("\\s*node\\s+" + NUMBER + ": \\[mem " + HEX + "-" + HEX + "\\]", NONE,
                            m -> new NodeMemory(integer(m.group(1)), inclusive(m.group(2), m.group(3))))),
            new Kind(false, "^smpboot: Total of ", "a processors-activated line",
                    new Wording("smpboot: Total of " + NUMBER + " processors activated.*", NONE,
                            m -> new CpusActivated(integer(m.group(1))))),
            new Kind(false, "^smp: Brought up ", "a brought-up line",
                    new Wording("smp: Brought up " + NUMBER + " nodes?, " + NUMBER + " CPUs?", NONE,
                            m -> new NodesBroughtUp(integer(m.group(1)), integer(m.group(2))))),
            new Kind(false, "^\\.+ *node +#", "an SMP boot line",
                    new Wording("\\.+ *node +#" + NUMBER + ", CPUs:.*", NONE, m -> new SmpBootNode(integer(m.group(1))))),
            new Kind(false, "^smpboot: Max logical packages", "a logical-packages line",
                    new Wording("smpboot: Max logical packages: " + NUMBER, NONE,
                            m -> new LogicalPackages(integer(m.group(1))))));

    /** What one line says, or why a line that looks like one of the kinds cannot be read. */
    public sealed interface Reading {
    }

    /** The line states {@code fact}; {@code printedBy} are the kernel profiles whose log holds this very line. */
    public record Read(Fact fact, LogLine line, Set<Profile> printedBy) implements Reading {
    }

    /** The line looks like a line tdxemu reads but is not in any wording it knows. */
    public record Unreadable(LogLine line, String why) implements Reading {
    }

    private LineReader() {
    }

    /** What {@code line} says, if it is a line tdxemu reads at all. */
    public static Optional<Reading> read(LogLine line) {
        Matcher prefixed = TDX_PREFIX.matcher(line.message());
        String prefix = prefixed.find() ? prefixed.group(1) : "";
        for (Kind kind : KINDS) {
            if (kind.tdx() == prefix.isEmpty()) {
                continue;
            }
            String message = kind.tdx() ? line.message().substring(prefix.length()) : line.message();
            if (!kind.cue().matcher(message).find()) {
                continue;
            }
            return Optional.of(reading(kind, message, prefix, line));
        }
        return Optional.empty();
    }

    private static Reading reading(Kind kind, String message, String prefix, LogLine line) {
        for (Wording wording : kind.wordings()) {
            Matcher m = wording.message().matcher(message);
            if (m.matches()) {
                try {
                    Set<Profile> printedBy = EnumSet.noneOf(Profile.class);
                    wording.printedBy().stream().filter(p -> p.logPrefix().equals(prefix)).forEach(printedBy::add);
                    return new Read(wording.fact().apply(m), line, printedBy);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    return new Unreadable(line, kind.what() + ", but " + e.getMessage());
                }
            }
        }
        return new Unreadable(line, kind.what() + " in no wording tdxemu knows");
    }

    private static KeyIdRange keyIds(String start, String end) {
        int first = integer(start);
        int last = integer(end);
        if (first < 1 || last <= first) {
            throw new IllegalArgumentException("[" + start + ", " + end + ") is not a range of KeyIDs above KeyID 0");
        }
        return new KeyIdRange(first, last);
    }

    private static ModuleRelease module(String major, String minor, String version) {
        return new ModuleRelease(integer(major), integer(minor), version);
    }

    private static InitializationFailed failed(String kernelReturn) {
        return new InitializationFailed(OptionalInt.of(integer(kernelReturn)));
    }

    private static Range range(String start, String end) {
        long from = hex(start);
        long to = hex(end);
        if (Long.compareUnsigned(from, to) >= 0) {
            throw new IllegalArgumentException(String.format("[%s, %s) is empty or ends before it starts", start, end));
        }
        return new Range(from, to);
    }

    /** A range written with its last byte, {@code 0x100000-0x5d168fff}, as a half-open range. */
    private static Range inclusive(String first, String last) {
        long from = hex(first);
        long to = hex(last);
        if (Long.compareUnsigned(from, to) > 0 || to == -1L) {
            throw new IllegalArgumentException(String.format("%s-%s is not a range of addresses", first, last));
        }
        return new Range(from, to + 1);
    }

    static long hex(String text) {
        try {
            return Long.parseUnsignedLong(text.substring(2), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " does not fit 64 bits");
        }
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " is too large");
        }
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " is too large");
        }
    }
}
