package org.tdxemu.scenarios.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformDefect;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.format.JsonValue.JsonObject;
import org.tdxemu.scenarios.spec.Expectation;
import org.tdxemu.scenarios.spec.FaultSpec;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Reads and fully validates a scenario file (DESIGN.md, "Scenario format"; every key is in
 * docs/scenarios.md). Anything wrong gets one {@link ScenarioException} naming the field and the
 * problem.
 */
public final class ScenarioReader {

    static final long PAGE = PageSize.SIZE_4K.bytes();
    /** Module package IDs run 0–7; a few more are allowed so that LP.INIT's refusal can be shown. */
    public static final int MAX_PACKAGES = 16;
    public static final int MAX_CPUS = 4096;
    public static final int MAX_NODES = 64;
    /** The key through which an editor finds the JSON Schema of scenario files. */
    static final String SCHEMA_KEY = "$schema";
    /** The key under which {@code tdxemu import} records where each value came from. */
    public static final String IMPORTED_KEY = "imported";

    /** {@code [Source: REDACTED (…); line: 1, column: 1]} in the parser's messages. */
    private static final Pattern PARSER_SOURCE = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");
    /** {@code , from `StreamReadConstraints.getMaxNumberLength()`} after a limit in the parser's messages. */
    private static final Pattern PARSER_LIMIT_GETTER = Pattern.compile(", from `StreamReadConstraints\\.\\w+\\(\\)`");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ScenarioReader() {
    }

    /** Reads {@code file}; problems are reported with the file name first. */
    public static Scenario read(Path file) {
        String text = UserFile.text(file);
        try {
            return parse(text);
        } catch (ScenarioException e) {
            throw e.inFile(file.toString());
        }
    }

    /** Parses a scenario from JSON text. */
    public static Scenario parse(String text) {
        return scenario(new JsonValue(tree(text), ""));
    }

    /** The JSON tree of {@code text}, or one message saying where the JSON is broken. */
    public static JsonNode tree(String text) {
        return tree(text, (line, column) -> "line " + line + ", column " + column);
    }

    /**
     * The JSON tree of one line of a JSON Lines file, or one message saying where in the line the
     * JSON is broken (the caller names the line).
     */
    public static JsonNode lineTree(String text) {
        return tree(text, (line, column) -> "column " + column);
    }

    /** How a message says where in the text a problem is: "line 3, column 5", or within one line, "column 5". */
    private interface Where {
        String at(int line, int column);

        default String at(JsonLocation location) {
            return at(location.getLineNr(), location.getColumnNr());
        }
    }

    private static JsonNode tree(String text, Where where) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (tree == null || tree.isMissingNode()) {
                throw new ScenarioException("the file is empty");
            }
            if (parser.nextToken() != null) {
                throw new ScenarioException("not valid JSON at " + where.at(parser.currentTokenLocation())
                        + ": more after the end of the JSON value");
            }
            return tree;
        } catch (JsonProcessingException e) {
            String message = UserFile.printable(withoutParserInternals(
                    e.getOriginalMessage().lines().findFirst().orElse("").strip(), where));
            throw new ScenarioException("not valid JSON" + (e.getLocation() == null ? "" : " at " + where.at(e.getLocation()))
                    + ": " + message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The parser's words without what only its programmers need: where a bracket opened says the
     * line and column, not how the parser's source is configured, and a limit is given without the
     * method that holds it.
     */
    private static String withoutParserInternals(String message, Where where) {
        String located = PARSER_SOURCE.matcher(message).replaceAll(m -> Matcher.quoteReplacement(
                where.at(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))));
        return PARSER_LIMIT_GETTER.matcher(located).replaceAll("");
    }

    static Scenario scenario(JsonValue root) {
        JsonObject top = withoutSchemaKey(root).object("name", "description", "platform", "module", "kernel", "faults",
                "expect", IMPORTED_KEY);
        JsonValue nameValue = top.required("name");
        String name = oneLine(nameValue);
        if (name.isBlank()) {
            throw nameValue.error("must not be empty");
        }
        String description = top.optional("description").map(ScenarioReader::oneLine).orElse("");
        JsonValue platformValue = top.required("platform");
        PlatformSpec platform = platform(platformValue);
        ModuleSpec module = top.optional("module").map(ScenarioReader::module).orElse(ModuleSpec.DEFAULT);
        ObjectNode moduleJson = top.optional("module").map(v -> (ObjectNode) v.json())
                .orElseGet(JsonNodeFactory.instance::objectNode);
        KernelOptions kernel = top.optional("kernel").map(ScenarioReader::kernel).orElse(KernelOptions.DEFAULT);
        List<FaultSpec> faults = new ArrayList<>();
        top.optional("faults").ifPresent(list -> list.array().forEach(f -> faults.add(fault(f, platform))));
        Optional<Expectation> expect = top.optional("expect").map(ScenarioReader::expectation);
        top.optional(IMPORTED_KEY).ifPresent(ScenarioReader::imported);
        return new Scenario(name, description, platform, module, kernel, faults, expect,
                (ObjectNode) platformValue.json(), moduleJson);
    }

    /**
     * The document without its {@code "$schema"} key: that key points editors at
     * docs/scenario.schema.json and means nothing to the scenario, but it must be a string.
     */
    private static JsonValue withoutSchemaKey(JsonValue root) {
        if (!(root.json() instanceof ObjectNode document) || !document.has(SCHEMA_KEY)) {
            return root;
        }
        new JsonValue(document.get(SCHEMA_KEY), SCHEMA_KEY).string();
        ObjectNode rest = document.deepCopy();
        rest.remove(SCHEMA_KEY);
        return new JsonValue(rest, root.path());
    }

    /** A name or description: summaries and listings print it on one line of their own. */
    private static String oneLine(JsonValue value) {
        String text = value.string();
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw value.error("must be one line of text, without control characters");
        }
        return text;
    }

    /**
     * Checks the record {@code tdxemu import} keeps of where each value came from (docs/scenarios.md,
     * "Importing a boot log"). It changes nothing in the run, but a hand edit that breaks it is still
     * reported.
     */
    private static void imported(JsonValue value) {
        JsonObject imported = value.object("log", "values", "unread");
        imported.optional("log").ifPresent(JsonValue::string);
        imported.optional("values").ifPresent(list -> list.array().forEach(item -> {
            JsonObject entry = item.object("fields", "source", "lines", "why");
            entry.required("fields").array().forEach(JsonValue::string);
            JsonValue source = entry.required("source");
            boolean fromLog = switch (source.string()) {
                case "dmesg" -> true;
                case "assumed" -> false;
                default -> throw source.error("unknown source \"" + source.string() + "\"; known: dmesg, assumed");
            };
            if (fromLog) {
                entry.required("lines").array().forEach(line -> line.integer(1, Integer.MAX_VALUE));
            } else if (entry.optional("lines").isPresent()) {
                throw entry.required("lines").error("an assumed value has no lines");
            }
            entry.optional("why").ifPresent(JsonValue::string);
        }));
        imported.optional("unread").ifPresent(list -> list.array().forEach(item -> {
            JsonObject entry = item.object("line", "why");
            entry.required("line").integer(1, Integer.MAX_VALUE);
            entry.optional("why").ifPresent(JsonValue::string);
        }));
    }

    // ---- platform --------------------------------------------------------------------------

    /** Reads a "platform" object (also the first line of a trace). */
    public static PlatformSpec platform(JsonValue value) {
        JsonObject p = value.object("packages", "cpusPerPackage", "offlineCpus", "keyIds", "cmrs", "memory",
                "reserved", "seamrr", "defects", "partialWriteErratum");
        int packages = p.optional("packages").map(v -> v.integer(1, MAX_PACKAGES)).orElse(1);
        int cpusPerPackage = p.optional("cpusPerPackage").map(v -> v.integer(1, MAX_CPUS)).orElse(4);
        int cpus = packages * cpusPerPackage;
        if (cpus > MAX_CPUS) {
            throw p.required("cpusPerPackage").error(packages + " packages × " + cpusPerPackage
                    + " CPUs is more than " + MAX_CPUS + " CPUs");
        }
        Set<Integer> offline = new HashSet<>();
        p.optional("offlineCpus").ifPresent(list -> {
            for (JsonValue cpu : list.array()) {
                if (!offline.add(cpuNumber(cpu, cpus))) {
                    throw cpu.error("CPU " + cpu.quantity() + " is listed twice");
                }
            }
        });
        if (offline.size() == cpus) {
            throw p.required("offlineCpus").error("every CPU is offline; the kernel needs one to boot on");
        }
        KeyIds keyIds = p.optional("keyIds").map(ScenarioReader::keyIds).orElse(new KeyIds(31, 32, 6));

        MemoryTop top = new MemoryTop(keyIds);
        JsonValue cmrsValue = p.required("cmrs");
        List<Range> cmrs = sortedRanges(cmrsValue, "CMR", true, top);
        if (cmrs.isEmpty()) {
            throw cmrsValue.error("at least one CMR is needed");
        }
        if (cmrs.size() > Platform.MAX_CMRS) {
            throw cmrsValue.error(cmrs.size() + " CMRs; MCHECK's table holds at most " + Platform.MAX_CMRS);
        }
        List<MemoryRegion> memory = p.optional("memory").map(v -> memory(v, top))
                .orElseGet(() -> cmrs.stream().map(r -> MemoryRegion.of(r, 0)).toList());
        List<Range> reserved = p.optional("reserved").map(v -> sortedRanges(v, "reserved range", false, top))
                .orElse(List.of());
        Range seamrr = p.optional("seamrr").map(v -> top.require(v, "SEAMRR", v.range())).orElse(new Range(0, 0));
        List<PlatformDefect> defects = new ArrayList<>();
        p.optional("defects").ifPresent(list -> list.array().forEach(d -> defects.add(defect(d, cpus))));
        boolean erratum = p.optional("partialWriteErratum").map(JsonValue::bool).orElse(false);
        return new PlatformSpec(packages, cpusPerPackage, offline, keyIds, cmrs, memory, reserved, seamrr, defects,
                erratum);
    }

    /**
     * The first address with no memory behind it: memory decodes 52 address bits minus the KeyID
     * bits, which select a KeyID instead.
     */
    private record MemoryTop(KeyIds keyIds) {
        long address() {
            return 1L << addressBits();
        }

        int addressBits() {
            return PhysicalAddress.MAX_BITS - keyIds.bits();
        }

        Range require(JsonValue item, String what, Range range) {
            if (Long.compareUnsigned(range.end(), address()) > 0) {
                throw item.error(String.format("%s %s ends above 0x%x: with %d KeyID bits, memory decodes %d address "
                        + "bits", what, range, address(), keyIds.bits(), addressBits()));
            }
            return range;
        }
    }

    private static int cpuNumber(JsonValue value, int cpus) {
        long cpu = value.quantity();
        if (Long.compareUnsigned(cpu, cpus) >= 0) {
            throw value.error("CPU " + Long.toUnsignedString(cpu) + " does not exist: the platform has CPUs 0 to "
                    + (cpus - 1));
        }
        return (int) cpu;
    }

    private static KeyIds keyIds(JsonValue value) {
        JsonObject k = value.object("mktme", "tdx", "bits");
        int mktme = k.optional("mktme").map(v -> v.integer(0, 0xFFFF)).orElse(31);
        int tdx = k.optional("tdx").map(v -> v.integer(0, 0xFFFF)).orElse(32);
        int needed = KeyIds.bitsFor(mktme, tdx);
        int bits = k.optional("bits").map(v -> v.integer(1, 16)).orElse(needed);
        if (bits < needed || needed > 16) {
            throw value.error(mktme + " MKTME + " + tdx + " TDX KeyIDs need " + needed + " KeyID bits"
                    + (needed > 16 ? "; at most 16 are possible" : ", not " + bits));
        }
        return new KeyIds(mktme, tdx, bits);
    }

    /** Ranges written as [start, end] pairs, ascending and non-overlapping (touching is fine). */
    private static List<Range> sortedRanges(JsonValue list, String what, boolean pageAligned, MemoryTop top) {
        List<Range> ranges = new ArrayList<>();
        for (JsonValue item : list.array()) {
            Range range = top.require(item, what, item.range());
            if (pageAligned && ((range.start() | range.end()) & (PAGE - 1)) != 0) {
                throw item.error(what + " " + range + " is not 4 KiB aligned");
            }
            if (!ranges.isEmpty()) {
                requireAfter(item, what, range, ranges.get(ranges.size() - 1));
            }
            ranges.add(range);
        }
        return ranges;
    }

    /** Ranges must ascend without overlapping; touching is fine. */
    private static void requireAfter(JsonValue item, String what, Range range, Range previous) {
        if (Long.compareUnsigned(range.start(), previous.end()) < 0) {
            throw item.error(what + " " + range + (Long.compareUnsigned(range.start(), previous.start()) < 0
                    ? " is out of order: it starts below " + previous : " overlaps " + previous));
        }
    }

    private static List<MemoryRegion> memory(JsonValue list, MemoryTop top) {
        List<MemoryRegion> regions = new ArrayList<>();
        for (JsonValue item : list.array()) {
            JsonObject m = item.object("start", "end", "node");
            long start = m.required("start").quantity();
            long end = m.required("end").quantity();
            if (Long.compareUnsigned(start, end) >= 0) {
                throw item.error(String.format("[0x%x, 0x%x) is empty: the end must be above the start", start, end));
            }
            top.require(item, "memory region", new Range(start, end));
            int node = m.optional("node").map(v -> v.integer(0, MAX_NODES - 1)).orElse(0);
            if (!regions.isEmpty()) {
                requireAfter(item, "memory region", new Range(start, end), regions.get(regions.size() - 1).range());
            }
            regions.add(new MemoryRegion(start, end, node));
        }
        if (regions.isEmpty()) {
            throw list.error("at least one memory region is needed");
        }
        return regions;
    }

    private static PlatformDefect defect(JsonValue value, int cpus) {
        JsonObject type = value.object("type", "msr", "cpu", "leaf", "subleaf", "verifyMask", "expected", "mask");
        String kind = type.required("type").string();
        return switch (kind) {
            case "incorrectMsr" -> new PlatformDefect.IncorrectMsr(msr(value.object("type", "msr")));
            case "incorrectCpuid" -> {
                JsonObject o = value.object("type", "leaf", "subleaf", "verifyMask", "expected");
                yield new PlatformDefect.IncorrectCpuid(u32(o.required("leaf")), u32(o.optional("subleaf")),
                        o.optional("verifyMask").map(JsonValue::quantity).orElse(-1L),
                        o.optional("expected").map(JsonValue::quantity).orElse(0L));
            }
            case "limitCpuidMaxval" -> {
                value.object("type");
                yield new PlatformDefect.LimitCpuidMaxval();
            }
            case "inconsistentMsr" -> {
                JsonObject o = value.object("type", "cpu", "msr");
                yield new PlatformDefect.InconsistentMsr(cpuNumber(o.required("cpu"), cpus), msr(o));
            }
            case "inconsistentCpuid" -> {
                JsonObject o = value.object("type", "cpu", "leaf", "subleaf", "mask");
                yield new PlatformDefect.InconsistentCpuid(cpuNumber(o.required("cpu"), cpus), u32(o.required("leaf")),
                        u32(o.optional("subleaf")), o.optional("mask").map(JsonValue::quantity).orElse(-1L));
            }
            default -> throw type.required("type").error("unknown defect \"" + kind
                    + "\"; known: incorrectMsr, incorrectCpuid, limitCpuidMaxval, inconsistentMsr, inconsistentCpuid");
        };
    }

    private static int msr(JsonObject o) {
        return u32(o.required("msr"));
    }

    private static int u32(JsonValue value) {
        long v = value.quantity();
        if (Long.compareUnsigned(v, 0xFFFF_FFFFL) > 0) {
            throw value.error(String.format("0x%x does not fit 32 bits", v));
        }
        return (int) v;
    }

    private static int u32(Optional<JsonValue> value) {
        return value.map(ScenarioReader::u32).orElse(0);
    }

    // ---- module and kernel -----------------------------------------------------------------

    /** Reads a "module" object (also the first line of a trace). */
    public static ModuleSpec module(JsonValue value) {
        JsonObject m = value.object("version", "maxTdmrs", "maxReservedPerTdmr", "pamtEntrySize", "tdxFeatures0",
                "dynamicPamt");
        ModuleVersion version = m.optional("version").map(ScenarioReader::version).orElse(ModuleVersion.V1_5);
        int maxTdmrs = m.optional("maxTdmrs").map(v -> v.integer(1, ModuleSettings.TABLE_TDMRS)).orElse(64);
        int maxReserved = m.optional("maxReservedPerTdmr")
                .map(v -> v.integer(1, ModuleSettings.TABLE_RESERVED_AREAS)).orElse(16);
        int entrySize = m.optional("pamtEntrySize").map(v -> v.integer(ModuleSettings.MIN_PAMT_ENTRY_SIZE, 0xFFFF))
                .orElse(16);
        OptionalLong features = m.optional("tdxFeatures0").map(v -> OptionalLong.of(v.quantity()))
                .orElse(OptionalLong.empty());
        boolean dynamicPamt = m.optional("dynamicPamt").map(JsonValue::bool).orElse(false);
        if (dynamicPamt && !version.mayHaveDynamicPamt()) {
            throw m.required("dynamicPamt").error("module " + version.label()
                    + " has no Dynamic PAMT; it needs version 1.5");
        }
        return new ModuleSpec(version, maxTdmrs, maxReserved, entrySize, features, dynamicPamt);
    }

    public static ModuleVersion version(JsonValue value) {
        String text = value.string();
        try {
            return version(text);
        } catch (ScenarioException e) {
            throw value.error(e.getMessage());
        }
    }

    /** The personality a label names ({@code "1.0"}, {@code "1.5"}). */
    public static ModuleVersion version(String label) {
        return ModuleVersion.ofLabel(label).orElseThrow(() -> new ScenarioException("unknown module version \"" + label
                + "\"; known: " + Stream.of(ModuleVersion.values()).map(ModuleVersion::label)
                .collect(Collectors.joining(", "))));
    }

    private static KernelOptions kernel(JsonValue value) {
        JsonObject k = value.object("profile", "holes", "planner");
        Profile profile = k.optional("profile").map(ScenarioReader::profile).orElse(Profile.MAINLINE);
        HoleSource holes = k.optional("holes").map(v -> word(v, ScenarioReader::holes)).orElse(HoleSource.MEMBLOCK);
        if (profile == Profile.V7 && holes == HoleSource.CMRS) {
            throw k.required("holes").error("holes from the CMRs is a fix to the merged kernel; the v7 profile never had it");
        }
        PlannerKind planner = k.optional("planner").map(v -> word(v, ScenarioReader::planner)).orElse(PlannerKind.KERNEL);
        return new KernelOptions(profile, holes, planner);
    }

    /** A string read as {@code reader} reads a word, its complaint naming the field. */
    private static <T> T word(JsonValue value, Function<String, T> reader) {
        String text = value.string();
        try {
            return reader.apply(text);
        } catch (ScenarioException e) {
            throw value.error(e.getMessage());
        }
    }

    /** The planner a name names: {@code kernel} or {@code optimal}. */
    public static PlannerKind planner(String name) {
        return named(PlannerKind.values(), name, ScenarioReader::plannerName, "planner");
    }

    /** The one of {@code values} {@code nameOf} names {@code name}; else a message that lists their names. */
    private static <E> E named(E[] values, String name, Function<E, String> nameOf, String what) {
        for (E value : values) {
            if (nameOf.apply(value).equals(name)) {
                return value;
            }
        }
        throw new ScenarioException("unknown " + what + " \"" + name + "\"; known: " + Stream.of(values).map(nameOf)
                .collect(Collectors.joining(", ")));
    }

    /** How scenario files and the command line name a planner. */
    public static String plannerName(PlannerKind planner) {
        return planner.name().toLowerCase(Locale.ROOT);
    }

    /** Where holes come from, as scenario files and the command line name it: {@code memblock} or {@code cmr}. */
    public static HoleSource holes(String name) {
        return switch (name) {
            case "memblock" -> HoleSource.MEMBLOCK;
            case "cmr", "cmrs" -> HoleSource.CMRS;
            default -> throw new ScenarioException("unknown hole source \"" + name + "\"; known: memblock, cmr");
        };
    }

    /** How scenario files and the command line name a hole source. */
    public static String holesName(HoleSource holes) {
        return holes == HoleSource.CMRS ? "cmr" : "memblock";
    }

    public static Profile profile(JsonValue value) {
        return word(value, ScenarioReader::profile);
    }

    /** The kernel profile a name names: {@code "mainline"} or {@code "v7"}. */
    public static Profile profile(String name) {
        return named(Profile.values(), name, ScenarioReader::profileName, "kernel profile");
    }

    /** How scenario files and the command line name a profile. */
    public static String profileName(Profile profile) {
        return profile.name().toLowerCase(Locale.ROOT);
    }

    // ---- faults and expectations -----------------------------------------------------------

    private static FaultSpec fault(JsonValue value, PlatformSpec platform) {
        JsonObject f = value.object("leaf", "occurrence", "cpu", "status", "repeat", "out", "mode");
        Leaf leaf = leaf(f.required("leaf"));
        int occurrence = f.optional("occurrence").map(v -> v.integer(1, Integer.MAX_VALUE)).orElse(1);
        OptionalInt cpu = f.optional("cpu").map(v -> OptionalInt.of(cpuNumber(v, platform.cpuCount())))
                .orElse(OptionalInt.empty());
        long status = status(f.required("status"));
        int repeat = f.optional("repeat").map(v -> v.integer(1, Integer.MAX_VALUE)).orElse(1);
        Map<Gpr, Long> out = new EnumMap<>(Gpr.class);
        f.optional("out").ifPresent(o -> {
            JsonObject registers = o.object(outputRegisterNames());
            for (Gpr r : outputRegisters()) {
                registers.optional(r.lowerCaseName()).ifPresent(v -> out.put(r, v.quantity()));
            }
        });
        FaultSpec.Mode mode = f.optional("mode").map(v -> switch (v.string()) {
            case "instead" -> FaultSpec.Mode.INSTEAD;
            case "after" -> FaultSpec.Mode.AFTER;
            default -> throw v.error("unknown mode \"" + v.string() + "\"; known: instead, after");
        }).orElse(FaultSpec.Mode.INSTEAD);
        return new FaultSpec(leaf, occurrence, cpu, status, repeat, out, mode);
    }

    /** The registers a fault may set: every one but RAX (the status) and RSP. */
    static List<Gpr> outputRegisters() {
        List<Gpr> registers = new ArrayList<>();
        for (Gpr r : Gpr.values()) {
            if (r != Gpr.RAX && r != Gpr.RSP) {
                registers.add(r);
            }
        }
        return registers;
    }

    private static String[] outputRegisterNames() {
        return outputRegisters().stream().map(Gpr::lowerCaseName).toArray(String[]::new);
    }

    public static Leaf leaf(JsonValue value) {
        String name = value.string();
        return Leaf.ofName(name).orElseThrow(() -> value.error("unknown leaf \"" + name
                + "\"; leaves are named as the specification does, e.g. TDH.SYS.CONFIG"));
    }

    /** A status by name ({@code TDX_KEY_GENERATION_FAILED}, {@code VMFAILINVALID}) or as a 64-bit value. */
    public static long status(JsonValue value) {
        if (value.json().isTextual() && !value.string().trim().startsWith("0x") && !value.string().trim().startsWith("0X")) {
            String name = value.string().trim();
            return statusNamed(name).map(StatusCode::value).orElseThrow(() -> value.error("unknown status \"" + name
                    + "\"; write a name such as TDX_KEY_GENERATION_FAILED or a 64-bit value such as \"0xC0000A1200050102\""));
        }
        return value.quantity();
    }

    /**
     * The status a name names, in any letter case: a module's ({@code TDX_KEY_GENERATION_FAILED}) or
     * the kernel's software codes, also without their prefix ({@code VMFAILINVALID}, {@code GP}, {@code UD}).
     */
    public static Optional<StatusCode> statusNamed(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return StatusCode.ofName(upper).or(() -> StatusCode.ofName("TDX_SEAMCALL_" + upper));
    }

    private static Expectation expectation(JsonValue value) {
        JsonObject e = value.object("outcome", "errno", "pamtKb", "tdmrs", "log");
        Optional<Expectation.Outcome> outcome = e.optional("outcome").map(v -> switch (v.string()) {
            case "initialized" -> Expectation.Outcome.INITIALIZED;
            case "failed" -> Expectation.Outcome.FAILED;
            default -> throw v.error("unknown outcome \"" + v.string() + "\"; known: initialized, failed");
        });
        Optional<Optional<Errno>> errno = e.optional("errno").map(v -> v.isNull() ? Optional.<Errno>empty()
                : Optional.of(errno(v)));
        OptionalLong pamtKb = e.optional("pamtKb").map(v -> OptionalLong.of(v.quantity())).orElse(OptionalLong.empty());
        OptionalInt tdmrs = e.optional("tdmrs").map(v -> OptionalInt.of(v.integer(0, ModuleSettings.TABLE_TDMRS)))
                .orElse(OptionalInt.empty());
        List<String> log = new ArrayList<>();
        e.optional("log").ifPresent(list -> list.array().forEach(line -> log.add(line.string())));
        return new Expectation(outcome, errno, pamtKb, tdmrs, log);
    }

    private static Errno errno(JsonValue value) {
        String name = value.string();
        try {
            return Errno.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw value.error("unknown errno \"" + name + "\"; known: " + Stream.of(Errno.values()).map(Enum::name)
                    .collect(Collectors.joining(", ")));
        }
    }
}
