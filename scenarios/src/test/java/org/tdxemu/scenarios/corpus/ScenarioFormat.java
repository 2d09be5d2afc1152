package org.tdxemu.scenarios.corpus;

import static org.tdxemu.scenarios.corpus.Field.Shape.ARRAY;
import static org.tdxemu.scenarios.corpus.Field.Shape.CHOICE;
import static org.tdxemu.scenarios.corpus.Field.Shape.CHOICE_OR_NULL;
import static org.tdxemu.scenarios.corpus.Field.Shape.FLAG;
import static org.tdxemu.scenarios.corpus.Field.Shape.OBJECT;
import static org.tdxemu.scenarios.corpus.Field.Shape.RANGE;
import static org.tdxemu.scenarios.corpus.Field.Shape.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.seamcall.register.Gpr;

/** The scenario format of docs/scenarios.md as the corpus sees it: every field, and a file that has them all. */
public final class ScenarioFormat {

    /** A valid scenario with every key of the format, each written in one of the ways the format allows. */
    public static final String EVERY_KEY = """
            {
              "$schema": "../docs/scenario.schema.json",
              "name": "every-key",
              "description": "Every key the format has, each with a valid value: caf\\u00e9",
              "platform": {
                "packages": 2,
                "cpusPerPackage": 8,
                "offlineCpus": [3],
                "keyIds": { "mktme": 31, "tdx": 32, "bits": 6 },
                "cmrs": [["0x100000", "0x80000000"]],
                "memory": [{ "start": "0x100000", "end": "2G", "node": 1 }],
                "reserved": [[16777216, "64M"]],
                "seamrr": ["0x7f000000", "0x80000000"],
                "defects": [
                  { "type": "incorrectMsr", "msr": "0x8b" },
                  { "type": "incorrectCpuid", "leaf": "0x7", "subleaf": 0, "verifyMask": "0xffffffff", "expected": "0x0" },
                  { "type": "limitCpuidMaxval" },
                  { "type": "inconsistentMsr", "cpu": 9, "msr": "0x1a0" },
                  { "type": "inconsistentCpuid", "cpu": 15, "leaf": 1, "subleaf": "0", "mask": "0xff" }
                ],
                "partialWriteErratum": true
              },
              "module": { "version": "1.5", "maxTdmrs": 64, "maxReservedPerTdmr": 16, "pamtEntrySize": 16,
                          "tdxFeatures0": "0x40000", "dynamicPamt": true },
              "kernel": { "profile": "mainline", "holes": "cmr", "planner": "optimal" },
              "faults": [
                { "leaf": "TDH.SYS.KEY.CONFIG", "occurrence": 2, "cpu": 8, "status": "TDX_KEY_GENERATION_FAILED",
                  "repeat": 1, "out": { "rdx": "0x0" }, "mode": "after" }
              ],
              "expect": { "outcome": "failed", "errno": "EIO", "pamtKb": 8396820, "tdmrs": 3,
                          "log": ["virt/tdx: module initialization failed (-5)"] },
              "imported": { "log": "host.log",
                            "values": [{ "fields": ["platform.cmrs"], "source": "dmesg", "lines": [5, 6], "why": "x" }],
                            "unread": [{ "line": 7, "why": "y" }] }
            }
            """;

    /** The highest CPU number of the largest platform, 4096 CPUs; which CPUs exist depends on the platform. */
    static final long MAX_CPU = 4095;

    /** Every field of the format, by its path with array indices left out. */
    static final Map<String, Field> FIELDS = fields();

    private ScenarioFormat() {
    }

    /**
     * The every-key scenario with one number at a time at the least and at the most its field
     * takes on its own, as JSON integers, by {@code path=value}. Bounds that depend on other
     * fields (CPUs, KeyID bits, the address width) are not kept, so the reader refuses some of
     * these; a schema must take them all.
     */
    public static Map<String, String> everyKeyWithEachNumberAtItsBounds() {
        JsonNode everyKey = JsonTrees.parse(EVERY_KEY);
        Map<String, String> documents = new LinkedHashMap<>();
        for (JsonTrees.Node node : JsonTrees.walk(everyKey)) {
            Field field = node.place().equals(JsonTrees.Place.ROOT) ? null : FIELDS.get(node.place().pattern());
            if (field != null && field.shape() == Field.Shape.NUMBER) {
                for (long bound : new long[] {field.min(), field.max()}) {
                    String value = Long.toUnsignedString(bound);
                    documents.put(node.place() + "=" + value,
                            JsonTrees.pretty(JsonTrees.with(everyKey, node.place(), JsonTrees.raw(value))));
                }
            }
        }
        return documents;
    }

    private static Map<String, Field> fields() {
        long u32 = 0xFFFF_FFFFL;
        List<Field> fields = new ArrayList<>(List.of(
                Field.of("$schema", TEXT),
                Field.of("name", TEXT).mandatory(),
                Field.of("description", TEXT),
                Field.of("platform", OBJECT).mandatory(),
                Field.count("platform.packages", 1, 16),
                Field.count("platform.cpusPerPackage", 1, 4096),
                Field.of("platform.offlineCpus", ARRAY),
                Field.count("platform.offlineCpus[]", 0, MAX_CPU),
                Field.of("platform.keyIds", OBJECT),
                Field.count("platform.keyIds.mktme", 0, 0xFFFF),
                Field.count("platform.keyIds.tdx", 0, 0xFFFF),
                Field.count("platform.keyIds.bits", 1, 16),
                Field.of("platform.cmrs", ARRAY).mandatory(),
                Field.of("platform.cmrs[]", RANGE),
                Field.number("platform.cmrs[][]"),
                Field.of("platform.memory", ARRAY),
                Field.of("platform.memory[]", OBJECT),
                Field.number("platform.memory[].start").mandatory(),
                Field.number("platform.memory[].end").mandatory(),
                Field.count("platform.memory[].node", 0, 63),
                Field.of("platform.reserved", ARRAY),
                Field.of("platform.reserved[]", RANGE),
                Field.number("platform.reserved[][]"),
                Field.of("platform.seamrr", RANGE),
                Field.number("platform.seamrr[]"),
                Field.of("platform.defects", ARRAY),
                Field.of("platform.defects[]", OBJECT),
                Field.of("platform.defects[].type", CHOICE).mandatory(),
                Field.count("platform.defects[].msr", 0, u32).mandatory(),
                Field.count("platform.defects[].leaf", 0, u32).mandatory(),
                Field.count("platform.defects[].subleaf", 0, u32),
                Field.number("platform.defects[].verifyMask"),
                Field.number("platform.defects[].expected"),
                Field.count("platform.defects[].cpu", 0, MAX_CPU).mandatory(),
                Field.number("platform.defects[].mask"),
                Field.of("platform.partialWriteErratum", FLAG),
                Field.of("module", OBJECT),
                Field.of("module.version", CHOICE),
                Field.count("module.maxTdmrs", 1, ModuleSettings.TABLE_TDMRS),
                Field.count("module.maxReservedPerTdmr", 1, ModuleSettings.TABLE_RESERVED_AREAS),
                Field.count("module.pamtEntrySize", ModuleSettings.MIN_PAMT_ENTRY_SIZE, 0xFFFF),
                Field.number("module.tdxFeatures0"),
                Field.of("module.dynamicPamt", FLAG),
                Field.of("kernel", OBJECT),
                Field.of("kernel.profile", CHOICE),
                Field.of("kernel.holes", CHOICE),
                Field.of("kernel.planner", CHOICE),
                Field.of("faults", ARRAY),
                Field.of("faults[]", OBJECT),
                Field.of("faults[].leaf", CHOICE).mandatory(),
                Field.count("faults[].occurrence", 1, Integer.MAX_VALUE),
                Field.count("faults[].cpu", 0, MAX_CPU),
                Field.number("faults[].status").mandatory(),
                Field.count("faults[].repeat", 1, Integer.MAX_VALUE),
                Field.of("faults[].out", OBJECT),
                Field.of("faults[].mode", CHOICE),
                Field.of("expect", OBJECT),
                Field.of("expect.outcome", CHOICE),
                Field.of("expect.errno", CHOICE_OR_NULL),
                Field.number("expect.pamtKb"),
                Field.count("expect.tdmrs", 0, ModuleSettings.TABLE_TDMRS),
                Field.of("expect.log", ARRAY),
                Field.of("expect.log[]", TEXT),
                Field.of("imported", OBJECT),
                Field.of("imported.log", TEXT),
                Field.of("imported.values", ARRAY),
                Field.of("imported.values[]", OBJECT),
                Field.of("imported.values[].fields", ARRAY).mandatory(),
                Field.of("imported.values[].fields[]", TEXT),
                Field.of("imported.values[].source", CHOICE).mandatory(),
                Field.of("imported.values[].lines", ARRAY).mandatory(),
                Field.count("imported.values[].lines[]", 1, Integer.MAX_VALUE),
                Field.of("imported.values[].why", TEXT),
                Field.of("imported.unread", ARRAY),
                Field.of("imported.unread[]", OBJECT),
                Field.count("imported.unread[].line", 1, Integer.MAX_VALUE).mandatory(),
                Field.of("imported.unread[].why", TEXT)));
        for (Gpr r : Gpr.values()) {
            if (r != Gpr.RAX && r != Gpr.RSP) {
                fields.add(Field.number("faults[].out." + r.lowerCaseName()));
            }
        }
        return fields.stream().collect(Collectors.toUnmodifiableMap(Field::pattern, Function.identity()));
    }
}
