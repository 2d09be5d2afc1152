package org.tdxemu.scenarios.dmesg;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.tdxemu.scenarios.format.ScenarioJson;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * The team's logs, damaged line by line (lines cut, dropped, repeated, swapped, digits changed,
 * numbers made huge, near-miss lines of every kind the import reads put in): the import either
 * refuses the log in one line that names it, or writes a scenario the scenario reader takes as it
 * is, and says each of its notes in one line. Nothing else, and no exception of any other kind.
 *
 * <p>{@code -Dfuzz.tries=N} sets the number of damaged logs (default 400).
 */
class DamagedLogsPropertyTest {

    private static final int TRIES = Integer.getInteger("fuzz.tries", 400);
    private static final List<String> LOGS = List.of("two-socket-2t-grep.log", "two-socket-2t-boot.log", "emr-rhel.log",
            "gnr-2.0.log", "keygen-failed.log", "tdx-host-2023.log", "v7-series.log");
    private static final String NAME = "damaged.log";

    /** Lines that look like the ones the import reads, with numbers filled in from the damage's value. */
    private static final List<String> NEAR_MISSES = List.of(
            "virt/tdx: CMR: [0x%x, 0x%x)", "tdx: CMR[%d]: [0x%x, 0x%x)", "virt/tdx: CMR: [%d, %d)",
            "virt/tdx: BIOS enabled: private KeyID range [%d, %d)", "virt/tdx: TDX module version: %d.%d.%d",
            "virt/tdx: TDX module %d.%d.08.00, build number 882, build date 0134fed5",
            "virt/tdx: %d KB allocated for PAMT", "tdx: %d pages allocated for PAMT.",
            "virt/tdx: module initialization failed (%d)", "virt/tdx: SEAMCALL (0x%x) failed: 0x%x",
            "virt/tdx: initialization failed: TDMR [0x%x, 0x%x): reserved areas exhausted.",
            "BIOS-e820: [mem 0x%016x-0x%016x] usable", "ACPI: SRAT: Node %d PXM %d [mem 0x%x-0x%x]",
            "  node %3d: [mem 0x%016x-0x%016x]", "smpboot: Total of %d processors activated",
            "smp: Brought up %d nodes, %d CPUs", ".... node  #%d, CPUs:   #%d", "smpboot: Max logical packages: %d",
            "Linux version %d.%d.0-1028-intel (gcc)", "Command line: BOOT_IMAGE=/vmlinuz-%d.%d.0 ro",
            "virt/tdx: module initialized", "tdx: Failed to initialize TDX module. Shut it down.");

    /** One damage: where, what, and a value that picks characters and numbers. */
    record Damage(int where, int kind, int value) {
    }

    @Test
    void aDamagedLogIsRefusedInOneLineOrImportedAsAScenarioTheReaderTakes() {
        int[] refusedAndImported = new int[2];
        Gen<Damage> damage = integers().between(0, 999).zip(integers().between(0, 7), integers().allPositive(),
                Damage::new);
        qt().withExamples(TRIES).withShrinkCycles(200)
                .forAll(integers().between(0, LOGS.size() - 1), lists().of(damage).ofSizeBetween(1, 8))
                .checkAssert((log, damages) -> {
                    String text = damaged(Logs.text(LOGS.get(log)), damages);
                    ImportedMachine machine;
                    try {
                        machine = Logs.importText(NAME, text);
                    } catch (ScenarioException refused) {
                        String message = refused.getMessage();
                        if (!message.startsWith(NAME + ":") || message.lines().count() != 1) {
                            throw new AssertionError("not one line naming the log: " + message + "\n" + text);
                        }
                        refusedAndImported[0]++;
                        return;
                    }
                    try {
                        ScenarioReader.parse(ScenarioJson.write(machine.scenarioJson()));
                    } catch (ScenarioException e) {
                        throw new AssertionError("the imported scenario does not read back: " + e.getMessage() + "\n"
                                + text, e);
                    }
                    for (String note : machine.notes(true)) {
                        if (note.lines().count() != 1 || !note.startsWith(NAME + ":")) {
                            throw new AssertionError("a note of more than one line: " + note);
                        }
                    }
                    refusedAndImported[1]++;
                });
        System.out.printf("damaged logs: %d refused, %d imported%n", refusedAndImported[0], refusedAndImported[1]);
        if (refusedAndImported[0] < TRIES / 20 || refusedAndImported[1] < TRIES / 4) {
            throw new AssertionError("the damage should leave most logs importable and refuse some: "
                    + refusedAndImported[0] + " refused, " + refusedAndImported[1] + " imported");
        }
    }

    static String damaged(String text, List<Damage> damages) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        for (Damage d : damages) {
            if (lines.isEmpty()) {
                lines.add("");
            }
            int at = d.where() % lines.size();
            String line = lines.get(at);
            switch (d.kind()) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.set(at, line.substring(0, d.value() % (line.length() + 1)));
                case 3 -> lines.set(at, replaceDigit(line, d.value()));
                case 4 -> lines.add(at, nearMiss(d.value()));
                case 5 -> {
                    int other = d.value() % lines.size();
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
                case 6 -> lines.set(at, line + (char) (d.value() % 0x3000));
                default -> lines.set(at, line.replaceFirst("0x[0-9a-fA-F]+", String.format("0x%x",
                        (long) d.value() * 0x9E3779B97F4A7C15L)));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String replaceDigit(String line, int value) {
        List<Integer> digits = new ArrayList<>();
        for (int i = 0; i < line.length(); i++) {
            if (Character.isDigit(line.charAt(i))) {
                digits.add(i);
            }
        }
        if (digits.isEmpty()) {
            return line;
        }
        int at = digits.get(value % digits.size());
        String replacement = "0123456789abcdefxX-[](), ".substring(value % 25, value % 25 + 1);
        return line.substring(0, at) + replacement + line.substring(at + 1);
    }

    private static String nearMiss(int value) {
        String template = NEAR_MISSES.get(value % NEAR_MISSES.size());
        long[] numbers = {value % 64, (value / 64) % 4096, (long) value << 12, ((long) value << 21) + 0x1000,
                value % 3 == 0 ? -1L : value};
        Object[] args = new Object[4];
        for (int i = 0; i < args.length; i++) {
            args[i] = numbers[(value + i) % numbers.length];
        }
        return String.format(template, args);
    }
}
