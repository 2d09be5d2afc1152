package org.tdxemu.scenarios.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.tdxemu.scenarios.corpus.JsonTrees.Place;

/**
 * Scenario files wrong in ways no field alone shows, each the every-key scenario with a few values
 * changed: names the format does not know, keys that are nearly right, and semantic errors.
 */
final class ScenarioCases {

    /** A value (JSON, with ' for ") put at a place, replacing what was there or as a new last key. */
    record Change(Place place, String json) {
        JsonNode apply(JsonNode document) {
            return JsonTrees.with(document, place, JsonTrees.parse(json.replace('\'', '"')));
        }
    }

    /**
     * One case: what is wrong, its name in the corpus (unique), the place its message names, and the
     * changes that make it.
     */
    record Case(Family family, String defect, String label, String field, List<Change> changes) {
        JsonNode apply(JsonNode document) {
            JsonNode changed = document;
            for (Change change : changes) {
                changed = change.apply(changed);
            }
            return changed;
        }
    }

    private final List<Case> cases = new ArrayList<>();

    private ScenarioCases() {
    }

    static List<Case> all() {
        ScenarioCases c = new ScenarioCases();
        c.names();
        c.nearMissKeys();
        c.ranges();
        c.cpusAndKeyIds();
        c.text();
        return List.copyOf(c.cases);
    }

    private void add(Family family, String defect, String field, String... pathsAndValues) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            changes.add(new Change(Place.of(pathsAndValues[i]), pathsAndValues[i + 1]));
        }
        cases.add(new Case(family, defect, defect, field, changes));
    }

    private void names() {
        add(Family.NAMES, "unknown-leaf", "faults[0].leaf", "faults[0].leaf", "'TDH.SYS.CONFIGURE'");
        add(Family.NAMES, "leaf-in-lower-case", "faults[0].leaf", "faults[0].leaf", "'tdh.sys.key.config'");
        add(Family.NAMES, "unknown-status", "faults[0].status", "faults[0].status", "'TDX_NO_SUCH_STATUS'");
        add(Family.NAMES, "status-in-decimal", "faults[0].status", "faults[0].status", "'12345'");
        add(Family.NAMES, "unknown-errno", "expect.errno", "expect.errno", "'EWHAT'");
        add(Family.NAMES, "errno-in-lower-case", "expect.errno", "expect.errno", "'eio'");
        add(Family.NAMES, "unknown-profile", "kernel.profile", "kernel.profile", "'v8'");
        add(Family.NAMES, "profile-capitalized", "kernel.profile", "kernel.profile", "'Mainline'");
        add(Family.NAMES, "unknown-version", "module.version", "module.version", "'2.0'");
        add(Family.NAMES, "version-with-update-number", "module.version", "module.version", "'1.5.05'");
        add(Family.NAMES, "unknown-hole-source", "kernel.holes", "kernel.holes", "'e820'");
        add(Family.NAMES, "unknown-planner", "kernel.planner", "kernel.planner", "'greedy'");
        add(Family.NAMES, "planner-capitalized", "kernel.planner", "kernel.planner", "'Optimal'");
        add(Family.NAMES, "unknown-mode", "faults[0].mode", "faults[0].mode", "'before'");
        add(Family.NAMES, "unknown-outcome", "expect.outcome", "expect.outcome", "'succeeded'");
        add(Family.NAMES, "unknown-defect-type", "platform.defects[0].type", "platform.defects[0].type",
                "'incorrectMSR'");
    }

    private void nearMissKeys() {
        nearMiss("", "Name");
        nearMiss("", "");
        nearMiss("platform", "cmr");
        nearMiss("platform", "cpus");
        nearMiss("platform.keyIds", "private");
        nearMiss("platform.memory[0]", "size");
        nearMiss("platform.defects[0]", "cpu");
        nearMiss("platform.defects[2]", "msr");
        nearMiss("module", "maxTDMRs");
        nearMiss("kernel", "profiles");
        nearMiss("faults[0].out", "rax");
        nearMiss("faults[0].out", "rsp");
        nearMiss("faults[0].out", "RDX");
        nearMiss("expect", "errnos");
    }

    /** A key that is nearly one the object takes, or that a sibling object takes. */
    private void nearMiss(String object, String key) {
        Place place = Place.of(object).key(key);
        String field = key.isEmpty() ? "\"\"" : place.toString();
        cases.add(new Case(Family.UNKNOWN_KEYS, "near-miss", "near-miss-" + (key.isEmpty() ? "empty-key" : field),
                field, List.of(new Change(place, "1"))));
    }

    private void ranges() {
        add(Family.SEMANTIC, "cmrs-out-of-order", "platform.cmrs[1]",
                "platform.cmrs", "[['4G', '8G'], ['0x100000', '0x80000000']]");
        add(Family.SEMANTIC, "cmrs-overlapping", "platform.cmrs[1]",
                "platform.cmrs", "[['0x100000', '0x80000000'], ['0x7ff00000', '8G']]");
        add(Family.SEMANTIC, "cmr-start-misaligned", "platform.cmrs[0]", "platform.cmrs", "[['0x100800', '0x80000000']]");
        add(Family.SEMANTIC, "cmr-end-misaligned", "platform.cmrs[0]", "platform.cmrs", "[['0x100000', '0x80000001']]");
        add(Family.SEMANTIC, "cmr-empty", "platform.cmrs[0]", "platform.cmrs", "[['0x100000', '0x100000']]");
        add(Family.SEMANTIC, "cmr-reversed", "platform.cmrs[0]", "platform.cmrs", "[['8G', '4G']]");
        add(Family.SEMANTIC, "cmr-above-address-width", "platform.cmrs[0]",
                "platform.cmrs", "[['0x100000', '0x400000001000']]");
        add(Family.SEMANTIC, "cmr-above-address-width-left-by-more-keyid-bits", "platform.cmrs[0]",
                "platform.keyIds", "{'mktme': 31, 'tdx': 32, 'bits': 12}", "platform.cmrs", "[['0x100000', '2T']]");
        add(Family.SEMANTIC, "no-cmrs", "platform.cmrs", "platform.cmrs", "[]");
        add(Family.SEMANTIC, "too-many-cmrs", "platform.cmrs", "platform.cmrs", IntStream.rangeClosed(1, 33)
                .mapToObj(i -> String.format("['0x%x', '0x%x']", i << 21, (i << 21) + (1 << 20)))
                .collect(Collectors.joining(", ", "[", "]")));
        add(Family.SEMANTIC, "memory-out-of-order", "platform.memory[1]", "platform.memory",
                "[{'start': '4G', 'end': '8G'}, {'start': '0x100000', 'end': '0x80000000'}]");
        add(Family.SEMANTIC, "memory-overlapping", "platform.memory[1]", "platform.memory",
                "[{'start': '0x100000', 'end': '0x80000000'}, {'start': '0x7ff00000', 'end': '8G'}]");
        add(Family.SEMANTIC, "memory-empty", "platform.memory[0]", "platform.memory", "[{'start': '4G', 'end': '4G'}]");
        add(Family.SEMANTIC, "memory-reversed", "platform.memory[0]", "platform.memory", "[{'start': '8G', 'end': '4G'}]");
        add(Family.SEMANTIC, "memory-above-address-width", "platform.memory[0]", "platform.memory",
                "[{'start': '0x100000', 'end': '0x8000000000000'}]");
        add(Family.SEMANTIC, "no-memory", "platform.memory", "platform.memory", "[]");
        add(Family.SEMANTIC, "reserved-out-of-order", "platform.reserved[1]",
                "platform.reserved", "[['0x4000000', '0x5000000'], ['0x1000000', '0x2000000']]");
        add(Family.SEMANTIC, "reserved-overlapping", "platform.reserved[1]",
                "platform.reserved", "[['0x1000000', '0x2000000'], ['0x1fff000', '0x3000000']]");
        add(Family.SEMANTIC, "reserved-empty", "platform.reserved[0]", "platform.reserved", "[['0x1000000', '0x1000000']]");
        add(Family.SEMANTIC, "reserved-above-address-width", "platform.reserved[0]",
                "platform.reserved", "[['0x100000', '0x400000000001']]");
        add(Family.SEMANTIC, "seamrr-empty", "platform.seamrr", "platform.seamrr", "['0x7f000000', '0x7f000000']");
        add(Family.SEMANTIC, "seamrr-reversed", "platform.seamrr", "platform.seamrr", "['0x80000000', '0x7f000000']");
        add(Family.SEMANTIC, "seamrr-above-address-width", "platform.seamrr",
                "platform.seamrr", "['0x3ffff0000000', '0x400000000001']");
    }

    private void cpusAndKeyIds() {
        add(Family.SEMANTIC, "offline-cpu-does-not-exist", "platform.offlineCpus[0]", "platform.offlineCpus", "[16]");
        add(Family.SEMANTIC, "offline-cpu-listed-twice", "platform.offlineCpus[1]", "platform.offlineCpus", "[3, 3]");
        add(Family.SEMANTIC, "offline-cpu-listed-twice-written-differently", "platform.offlineCpus[1]",
                "platform.offlineCpus", "[3, '0x3']");
        add(Family.SEMANTIC, "every-cpu-offline", "platform.offlineCpus",
                "platform.packages", "1", "platform.cpusPerPackage", "2", "platform.offlineCpus", "[0, 1]");
        add(Family.SEMANTIC, "too-many-cpus", "platform.cpusPerPackage",
                "platform.packages", "16", "platform.cpusPerPackage", "257");
        add(Family.SEMANTIC, "fault-cpu-does-not-exist", "faults[0].cpu", "faults[0].cpu", "16");
        add(Family.SEMANTIC, "msr-defect-cpu-does-not-exist", "platform.defects[3].cpu",
                "platform.defects[3].cpu", "16");
        add(Family.SEMANTIC, "cpuid-defect-cpu-does-not-exist", "platform.defects[4].cpu",
                "platform.defects[4].cpu", "'0x10'");
        add(Family.SEMANTIC, "too-few-keyid-bits", "platform.keyIds",
                "platform.keyIds", "{'mktme': 31, 'tdx': 32, 'bits': 5}");
        add(Family.SEMANTIC, "keyids-need-more-than-16-bits", "platform.keyIds",
                "platform.keyIds", "{'mktme': 65535, 'tdx': 65535}");
    }

    private void text() {
        add(Family.SEMANTIC, "blank-name", "name", "name", "' '");
        add(Family.SEMANTIC, "name-on-two-lines", "name", "name", "'two\\nlines'");
        add(Family.SEMANTIC, "description-on-two-lines", "description", "description", "'first\\nsecond'");
        add(Family.SEMANTIC, "v7-with-holes-from-cmrs", "kernel.holes", "kernel", "{'profile': 'v7', 'holes': 'cmr'}");
        add(Family.SEMANTIC, "dynamic-pamt-on-module-1.0", "module.dynamicPamt", "module",
                "{'version': '1.0', 'dynamicPamt': true}");
        cases.add(new Case(Family.NUMBERS, "huge-integer", "platform.packages-huge-integer", "platform.packages",
                List.of(new Change(Place.of("platform.packages"), "1".repeat(999)))));
    }
}
