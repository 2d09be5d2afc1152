package org.tdxemu.scenarios.format;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.corpus.MalformedCorpus;
import org.tdxemu.scenarios.corpus.MalformedInput;
import org.tdxemu.scenarios.corpus.ScenarioFormat;
import org.tdxemu.scenarios.spec.Expectation;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * docs/scenario.schema.json, the JSON Schema editors check scenario files with: a valid draft
 * 2020-12 schema that takes every valid scenario, refuses every malformed one it can see is wrong,
 * and names its blind spots.
 */
class ScenarioSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SCHEMA_JSON = schemaJson();
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(VersionFlag.V202012).getSchema(SCHEMA_JSON);

    /**
     * What only the reader sees, as {@code family/defect} of the corpus with how many entries each
     * holds. A schema checks each value alone against a type, a range, a pattern or a list of
     * names: it does not compare one value with another, weigh a number written as a string, or
     * tell 1.0 from 1.
     */
    private static final Map<String, Long> BLIND_SPOTS = Map.ofEntries(
            // A number in a string meets a pattern, not a bound: "0x11" packages, "18446744073709551616",
            // "16384P" (2^64).
            entry("numbers/above-maximum-hex", 25L),
            entry("numbers/over-64-bits-decimal", 39L),
            entry("numbers/units-overflow", 39L),
            // To JSON Schema an integer is a number without a fraction, however written; the reader
            // takes only integers written as such.
            entry("numbers/whole-with-fraction", 39L),
            entry("numbers/exponent", 39L),
            // Order and overlap: a range against the one before it.
            entry("semantic/cmrs-out-of-order", 1L),
            entry("semantic/cmrs-overlapping", 1L),
            entry("semantic/memory-out-of-order", 1L),
            entry("semantic/memory-overlapping", 1L),
            entry("semantic/reserved-out-of-order", 1L),
            entry("semantic/reserved-overlapping", 1L),
            // Alignment: a CMR's bounds against 4 KiB.
            entry("semantic/cmr-start-misaligned", 1L),
            entry("semantic/cmr-end-misaligned", 1L),
            // Empty and reversed ranges: an end against its start.
            entry("semantic/cmr-empty", 1L),
            entry("semantic/cmr-reversed", 1L),
            entry("semantic/memory-empty", 1L),
            entry("semantic/memory-reversed", 1L),
            entry("semantic/reserved-empty", 1L),
            entry("semantic/seamrr-empty", 1L),
            entry("semantic/seamrr-reversed", 1L),
            // The address width: an end against what the KeyID bits leave of 52 bits.
            entry("semantic/cmr-above-address-width", 1L),
            entry("semantic/cmr-above-address-width-left-by-more-keyid-bits", 1L),
            entry("semantic/memory-above-address-width", 1L),
            entry("semantic/reserved-above-address-width", 1L),
            entry("semantic/seamrr-above-address-width", 1L),
            // CPU existence: a CPU number against packages x cpusPerPackage; the same CPU written twice.
            entry("semantic/offline-cpu-does-not-exist", 1L),
            entry("semantic/fault-cpu-does-not-exist", 1L),
            entry("semantic/msr-defect-cpu-does-not-exist", 1L),
            entry("semantic/cpuid-defect-cpu-does-not-exist", 1L),
            entry("semantic/every-cpu-offline", 1L),
            entry("semantic/too-many-cpus", 1L),
            entry("semantic/offline-cpu-listed-twice-written-differently", 1L),
            // KeyIDs: the bits against the KeyIDs they must number.
            entry("semantic/too-few-keyid-bits", 1L),
            entry("semantic/keyids-need-more-than-16-bits", 1L));

    @Test
    void theSchemaIsADraft202012Schema() {
        JsonSchema metaSchema = JsonSchemaFactory.getInstance(VersionFlag.V202012)
                .getSchema(SchemaLocation.of(SchemaId.V202012));
        assertEquals(Set.of(), metaSchema.validate(SCHEMA_JSON));
        assertEquals(SchemaId.V202012, SCHEMA_JSON.get("$schema").textValue());
    }

    @Test
    void everyBundledScenarioIsValid() {
        Map<String, Set<ValidationMessage>> invalid = new TreeMap<>();
        for (String name : Library.names()) {
            Set<ValidationMessage> errors = SCHEMA.validate(ScenarioReader.tree(Library.text(name)));
            if (!errors.isEmpty()) {
                invalid.put(name, errors);
            }
        }
        assertEquals(Map.of(), invalid);
        assertTrue(Library.names().size() > 20, Library.names().toString());
    }

    @Test
    void everyScenarioImportedFromTheTeamsLogsIsValid() throws IOException {
        Map<String, Set<ValidationMessage>> invalid = new TreeMap<>();
        for (String log : List.of("two-socket-2t-grep.log", "two-socket-2t-boot.log", "emr-rhel.log", "gnr-2.0.log",
                "keygen-failed.log", "tdx-host-2023.log", "v7-series.log")) {
            String text;
            try (var in = ScenarioSchemaTest.class.getResourceAsStream("/org/tdxemu/scenarios/dmesg/" + log)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            var machine = org.tdxemu.scenarios.dmesg.Importer.of(log, org.tdxemu.scenarios.dmesg.BootLog.of(
                    org.tdxemu.scenarios.dmesg.LogLine.split(text + "virt/tdx: CMR: [0x100000, 0x1000800)\n")));
            Set<ValidationMessage> errors = SCHEMA.validate(ScenarioReader.tree(ScenarioJson.write(machine.scenarioJson())));
            if (!errors.isEmpty()) {
                invalid.put(log, errors);
            }
        }
        assertEquals(Map.of(), invalid);
    }

    @Test
    void theScenarioWithEveryKeyIsValidWithEachNumberAtItsBounds() {
        assertEquals(Set.of(), SCHEMA.validate(ScenarioReader.tree(ScenarioFormat.EVERY_KEY)));
        Map<String, Set<ValidationMessage>> invalid = new TreeMap<>();
        ScenarioFormat.everyKeyWithEachNumberAtItsBounds().forEach((bound, text) -> {
            Set<ValidationMessage> errors = SCHEMA.validate(ScenarioReader.tree(text));
            if (!errors.isEmpty()) {
                invalid.put(bound, errors);
            }
        });
        assertEquals(Map.of(), invalid);
    }

    @Test
    void theSchemaKnowsTheNamesTheReaderKnows() {
        Set<String> statuses = new TreeSet<>();
        for (StatusCode code : StatusCode.values()) {
            statuses.add(code.architecturalName());
            statuses.add(code.architecturalName().replaceFirst("^TDX_SEAMCALL_", ""));
        }
        assertEquals(statuses, names("/$defs/status/anyOf/0/enum"));
        assertEquals(names(Stream.of(Leaf.values()).map(Leaf::architecturalName)), names("/$defs/leaf/enum"));
        assertEquals(names(Stream.concat(Stream.of(Errno.values()).map(Errno::name), Stream.of("null"))),
                names("/properties/expect/properties/errno/enum"));
        assertEquals(names(Stream.of(Profile.values()).map(ScenarioReader::profileName)),
                names("/properties/kernel/properties/profile/enum"));
        assertEquals(names(Stream.of(PlannerKind.values()).map(ScenarioReader::plannerName)),
                names("/properties/kernel/properties/planner/enum"));
        assertEquals(names(Stream.of(ModuleVersion.values()).map(ModuleVersion::label)),
                names("/properties/module/properties/version/enum"));
        assertEquals(names(Stream.of(FaultSpec.Mode.values()).map(m -> m.name().toLowerCase(Locale.ROOT))),
                names("/properties/faults/items/properties/mode/enum"));
        assertEquals(names(Stream.of(Expectation.Outcome.values()).map(o -> o.name().toLowerCase(Locale.ROOT))),
                names("/properties/expect/properties/outcome/enum"));
    }

    @Test
    void theSchemaRefusesEveryStructurallyWrongEntryOfTheCorpusAndOnlyItsBlindSpotsPass() {
        List<MalformedInput> json = MalformedCorpus.scenarios().stream().filter(e -> json(e).isPresent()).toList();
        Map<String, Long> passed = json.stream().filter(e -> SCHEMA.validate(json(e).orElseThrow()).isEmpty())
                .collect(Collectors.groupingBy(e -> e.family().slug() + "/" + e.defect(), TreeMap::new,
                        Collectors.counting()));
        assertEquals(new TreeMap<>(BLIND_SPOTS), passed);
        assertEquals(1239, json.size(), "corpus entries that are JSON");
        assertEquals(1029, json.size() - passed.values().stream().mapToLong(Long::longValue).sum(),
                "corpus entries the schema refuses");
    }

    /** An entry's JSON as the reader parses it, when it is UTF-8 text and JSON at all. */
    private static Optional<JsonNode> json(MalformedInput entry) {
        if (!(entry.content() instanceof MalformedInput.Bytes bytes)) {
            return Optional.empty();
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.bytes())).toString();
            return Optional.of(ScenarioReader.tree(text));
        } catch (CharacterCodingException | ScenarioException e) {
            return Optional.empty();
        }
    }

    private static Set<String> names(String pointer) {
        return StreamSupport.stream(SCHEMA_JSON.at(pointer).spliterator(), false)
                .map(n -> n.isNull() ? "null" : n.textValue()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> names(Stream<String> names) {
        return names.collect(Collectors.toCollection(TreeSet::new));
    }

    /** docs/scenario.schema.json of the checkout the tests run in (surefire runs them in the scenarios module). */
    private static JsonNode schemaJson() {
        Path schema = Path.of("").toAbsolutePath().getParent().resolve("docs").resolve("scenario.schema.json");
        try {
            return JSON.readTree(Files.readString(schema));
        } catch (IOException e) {
            throw new UncheckedIOException(schema.toString(), e);
        }
    }
}
