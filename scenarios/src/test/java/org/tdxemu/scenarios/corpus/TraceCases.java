package org.tdxemu.scenarios.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.tdxemu.scenarios.corpus.JsonTrees.Place;

/**
 * Traces wrong in ways no field alone shows, each the hand-written trace with a line changed:
 * record types and statuses the format does not know, keys a record of that type does not take,
 * and semantic errors.
 */
final class TraceCases {

    /** One case: what is wrong, its name in the corpus (unique), the place its message names, and the change. */
    record Case(Family family, String defect, String label, Optional<String> field, UnaryOperator<List<String>> change) {
    }

    private final List<Case> cases = new ArrayList<>();

    private TraceCases() {
    }

    static List<Case> all() {
        TraceCases c = new TraceCases();
        c.names();
        c.keys();
        c.semantic();
        return List.copyOf(c.cases);
    }

    /**
     * Line {@code line} with {@code json} (' for ") put at {@code path}; the message names
     * {@code named} in that line, or only the line when it is empty.
     */
    private void add(Family family, String defect, String label, int line, String path, String json, String named) {
        Place place = Place.of(path);
        cases.add(new Case(family, defect, label, Optional.of("line " + line + (named.isEmpty() ? "" : ": " + named)), lines -> {
            List<String> changed = new ArrayList<>(lines);
            changed.set(line - 1, JsonTrees.compact(JsonTrees.with(JsonTrees.parse(lines.get(line - 1)), place,
                    JsonTrees.parse(json.replace('\'', '"')))));
            return changed;
        }));
    }

    private void add(Family family, String defect, String label, int line, String path, String json) {
        add(family, defect, label, line, path, json, path);
    }

    private void add(Family family, String defect, int line, String path, String json) {
        add(family, defect, defect, line, path, json, path);
    }

    /** A change of whole lines; the message names {@code named}, or no place when it is null. */
    private void lines(Family family, String defect, String named, UnaryOperator<List<String>> change) {
        cases.add(new Case(family, defect, defect, Optional.ofNullable(named), change));
    }

    private void names() {
        add(Family.NAMES, "unknown-record-type", "unknown-record-type-read", 4, "type", "'read'");
        add(Family.NAMES, "unknown-record-type", "unknown-record-type-capitalized", 2, "type", "'Seamcall'");
        add(Family.NAMES, "unknown-record-type", "unknown-record-type-empty", 3, "type", "''");
        add(Family.NAMES, "unknown-record-type", "unknown-record-type-first-line", 1, "type", "'platforms'");
        add(Family.NAMES, "unknown-status", 8, "status", "'TDX_NO_SUCH_STATUS'");
        add(Family.NAMES, "status-in-decimal", 8, "status", "'12345'");
        add(Family.NAMES, "unknown-version", 1, "module.version", "'2.0'");
        add(Family.NAMES, "unknown-defect-type", "unknown-defect-type", 1, "platform.defects", "[{'type': 'incorrectMSR'}]",
                "platform.defects[0].type");
    }

    private void keys() {
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-8-in.rax", 8, "in.rax", "'0x22'");
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-8-out.rax", 8, "out.rax", "'0x0'");
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-8-in.RDX", 8, "in.RDX", "'0x0'");
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-4-cpu", 4, "cpu", "0");
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-1-pa", 1, "pa", "'0x1000'");
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-2-hex", 2, "hex", "'00'");
        add(Family.UNKNOWN_KEYS, "near-miss", "near-miss-line-1-platform.cmr", 1, "platform.cmr", "[]");
    }

    private void semantic() {
        lines(Family.SEMANTIC, "platform-not-first", "line 1", lines -> {
            List<String> changed = new ArrayList<>(lines);
            changed.set(0, lines.get(1));
            changed.set(1, lines.get(0));
            return changed;
        });
        lines(Family.SEMANTIC, "platform-line-twice", "line 2: type", lines -> {
            List<String> changed = new ArrayList<>(lines);
            changed.add(1, lines.get(0));
            return changed;
        });
        lines(Family.SEMANTIC, "record-after-the-end", "line " + (TraceFormat.BY_HAND.size() + 1), lines -> {
            List<String> changed = new ArrayList<>(lines);
            changed.add(lines.get(1));
            return changed;
        });
        lines(Family.SEMANTIC, "no-end-record", null, lines -> lines.subList(0, lines.size() - 1));
        add(Family.SEMANTIC, "end-count-too-small", TraceFormat.BY_HAND.size(), "seamcalls", "4");
        add(Family.SEMANTIC, "end-count-too-large", TraceFormat.BY_HAND.size(), "seamcalls", "'0x6'");
        add(Family.SEMANTIC, "leaf-disagrees-with-rax", "leaf-disagrees-with-rax", 2, "leaf", "'TDH.SYS.LP.INIT'", "");
        add(Family.SEMANTIC, "cpu-does-not-exist", 8, "cpu", "1");
        add(Family.SEMANTIC, "hex-odd-digits", 4, "hex", "'000'");
        add(Family.SEMANTIC, "hex-not-hex", 4, "hex", "'00zz'");
        add(Family.SEMANTIC, "hex-with-fullwidth-digits", 4, "hex", "'\uff10\uff10'");
        add(Family.SEMANTIC, "cmr-misaligned", "cmr-misaligned", 1, "platform.cmrs", "[['0x100800', '0x80000000']]",
                "platform.cmrs[0]");
        add(Family.SEMANTIC, "cmr-above-address-width", "cmr-above-address-width", 1, "platform.cmrs",
                "[['0x100000', '0x400000001000']]", "platform.cmrs[0]");
        add(Family.SEMANTIC, "cmrs-out-of-order", "cmrs-out-of-order", 1, "platform.cmrs",
                "[['4G', '8G'], ['0x100000', '0x80000000']]", "platform.cmrs[1]");
    }
}
