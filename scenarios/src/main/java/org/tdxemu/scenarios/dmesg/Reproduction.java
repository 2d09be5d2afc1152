package org.tdxemu.scenarios.dmesg;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tdxemu.scenarios.dmesg.Fact.KeyIdRange;
import org.tdxemu.scenarios.dmesg.Fact.Said;
import org.tdxemu.scenarios.dmesg.Fact.SeamcallFailed;
import org.tdxemu.scenarios.dmesg.LineReader.Read;

/**
 * Whether an emulation said what the real machine said: the two kernels' lines about TDX
 * initialization, lined up by what they say (two kernels that word a line differently still agree)
 * with a diff. A kind of line the machine's log lacks entirely is not held against the emulation
 * when it only tells of a step that went well: the user may have pasted part of the log.
 */
public record Reproduction(List<Read> machine, List<Difference> differences) {

    private static final String EMULATED = "emulated";

    /** One place where the two logs part: the machine's line, the emulation's, or both. */
    public record Difference(Optional<Read> machine, Optional<String> emulation) {
    }

    public Reproduction {
        machine = List.copyOf(machine);
        differences = List.copyOf(differences);
    }

    /** Compares the machine's lines with the lines the emulated kernel printed. */
    public static Reproduction compare(List<Read> machine, List<String> emulatedLog) {
        Set<Class<?>> machineKinds = machine.stream().map(r -> r.fact().getClass()).collect(Collectors.toSet());
        List<Read> emulation = new ArrayList<>();
        for (int i = 0; i < emulatedLog.size(); i++) {
            LineReader.read(new LogLine(i + 1, emulatedLog.get(i))).ifPresent(reading -> {
                if (reading instanceof Read read && read.fact() instanceof Said said
                        && (machineKinds.contains(said.getClass()) || !said.informational())) {
                    emulation.add(read);
                }
            });
        }
        List<Difference> differences = new ArrayList<>();
        List<AbstractDelta<Read>> deltas = DiffUtils.diff(machine, emulation,
                (a, b) -> words(a).equals(words(b))).getDeltas();
        for (AbstractDelta<Read> delta : deltas) {
            differences.addAll(paired(delta.getSource().getLines(), delta.getTarget().getLines()));
        }
        return new Reproduction(machine, differences);
    }

    /**
     * The lines of one place where the logs part, each machine line beside the emulation's line of
     * the same kind (an outcome beside an outcome), or beside nothing; the emulation's lines left
     * over come last.
     */
    private static List<Difference> paired(List<Read> machine, List<Read> emulation) {
        List<Read> unpaired = new ArrayList<>(emulation);
        List<Difference> differences = new ArrayList<>();
        for (Read ours : machine) {
            Optional<Read> theirs = unpaired.stream().filter(r -> kind(r).equals(kind(ours))).findFirst();
            theirs.ifPresent(unpaired::remove);
            differences.add(new Difference(Optional.of(ours), theirs.map(r -> r.line().message())));
        }
        unpaired.forEach(r -> differences.add(new Difference(Optional.empty(), Optional.of(r.line().message()))));
        return differences;
    }

    /** Lines that can stand in each other's place: the two outcomes are one kind. */
    private static Class<?> kind(Read read) {
        return read.fact() instanceof Fact.InitializationFailed ? Fact.Initialized.class : read.fact().getClass();
    }

    public boolean reproduced() {
        return differences.isEmpty();
    }

    /** Whether the machine's log says anything about how initialization went, beyond its KeyIDs. */
    public boolean comparable() {
        return machine.stream().anyMatch(r -> !(r.fact() instanceof KeyIdRange));
    }

    /**
     * The verdict in lines: {@code reproduced: 8396820 KB allocated for PAMT, module initialized}, or
     * {@code differs from the machine:} and each difference as the machine's line (with its number in
     * {@code logName}) above the emulation's.
     */
    public List<String> lines(String logName) {
        if (!comparable()) {
            return List.of("nothing to compare: " + logName + " does not show the module being initialized (kernels "
                    + "6.8 to 6.18 initialize it when kvm_intel loads with tdx=1)");
        }
        if (reproduced()) {
            return List.of("reproduced: " + machine.stream().filter(r -> !(r.fact() instanceof KeyIdRange))
                    .map(Reproduction::words).collect(Collectors.joining(", ")));
        }
        List<String> lines = new ArrayList<>();
        lines.add("differs from the machine (" + logName + "):");
        int width = Math.max(EMULATED.length(), differences.stream().map(d -> where(d).length()).max(Integer::compare)
                .orElse(0));
        for (Difference difference : differences) {
            lines.add("  " + pad(where(difference), width) + "  " + difference.machine().map(r -> r.line().message())
                    .orElse("(nothing)"));
            lines.add("  " + pad(EMULATED, width) + "  " + difference.emulation().orElse("(nothing)"));
        }
        differences.stream().filter(d -> d.emulation().isEmpty()).flatMap(d -> d.machine().stream())
                .map(Read::fact).filter(SeamcallFailed.class::isInstance).map(SeamcallFailed.class::cast)
                .flatMap(failed -> failed.fault().stream()).distinct()
                .forEach(fault -> lines.add("the log does not say why the machine's SEAMCALL failed; to play that failure, "
                        + "import the log and add to its \"faults\": " + fault));
        return lines;
    }

    /** The machine's side of a difference: its line number, or nothing. */
    private static String where(Difference difference) {
        return difference.machine().map(r -> "line " + r.line().number()).orElse("machine");
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }

    private static String words(Read read) {
        return ((Said) read.fact()).words();
    }
}
