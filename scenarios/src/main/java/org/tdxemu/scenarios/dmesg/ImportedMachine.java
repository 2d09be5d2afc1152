package org.tdxemu.scenarios.dmesg;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.host.MemoryRegion;
import org.tdxemu.scenarios.dmesg.Importer.MachineOutcome;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.dmesg.LineReader.Unreadable;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.seamcall.memory.Range;

/**
 * A machine as its kernel log describes it, ready to be written as a scenario: what was read, what
 * was assumed, and what the machine's kernel said about initializing TDX.
 *
 * @param said       the machine's own lines about its TDX initialization, in log order
 * @param sources    where each value came from, in the order the scenario lists its fields
 * @param unreadable lines that looked like lines tdxemu reads but could not be read
 */
public record ImportedMachine(String logName, String name, Cpus cpus, KeyIds keyIds, List<Range> cmrs,
                              List<MemoryRegion> memory, ModuleVersion module, KernelChoice kernel,
                              Optional<MachineOutcome> outcome, List<Read> said, List<Source> sources,
                              List<Unreadable> unreadable) {

    public ImportedMachine {
        cmrs = List.copyOf(cmrs);
        memory = List.copyOf(memory);
        said = List.copyOf(said);
        sources = List.copyOf(sources);
        unreadable = List.copyOf(unreadable);
    }

    /** The scenario, as a JSON document the scenario reader accepts. */
    public ObjectNode scenarioJson() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode scenario = json.objectNode();
        scenario.put("name", name);
        scenario.put("description", "Imported from " + logName + " by tdxemu import");
        ObjectNode platform = scenario.putObject("platform");
        platform.put("packages", cpus.packages());
        platform.put("cpusPerPackage", cpus.cpusPerPackage());
        platform.putObject("keyIds").put("mktme", keyIds.mktme()).put("tdx", keyIds.tdx());
        ArrayNode cmrList = platform.putArray("cmrs");
        cmrs.forEach(cmr -> cmrList.addArray().add(hex(cmr.start())).add(hex(cmr.end())));
        ArrayNode memoryList = platform.putArray("memory");
        memory.forEach(m -> memoryList.addObject().put("start", hex(m.start())).put("end", hex(m.end()))
                .put("node", m.node()));
        scenario.putObject("module").put("version", module.label()).put("maxTdmrs", Importer.LIMITS.maxTdmrs())
                .put("maxReservedPerTdmr", Importer.LIMITS.maxReservedPerTdmr())
                .put("pamtEntrySize", Importer.LIMITS.pamtEntrySize());
        if (kernel.profile() == Profile.DPAMT && module.mayHaveDynamicPamt()) {
            ((ObjectNode) scenario.get("module")).put("dynamicPamt", true);
        }
        scenario.putObject("kernel").put("profile", ScenarioReader.profileName(kernel.profile()))
                .put("holes", ScenarioReader.holesName(kernel.holes()));
        outcome.ifPresent(o -> {
            ObjectNode expect = scenario.putObject("expect");
            o.initialized().ifPresent(initialized -> expect.put("outcome", initialized ? "initialized" : "failed"));
            if (o.initialized().orElse(false)) {
                expect.putNull("errno");
            } else {
                o.errno().ifPresent(errno -> expect.put("errno", errno.name()));
            }
            o.pamtKb().ifPresent(kb -> expect.put("pamtKb", kb));
            ArrayNode log = expect.putArray("log");
            o.log().forEach(log::add);
        });
        ObjectNode imported = scenario.putObject(ScenarioReader.IMPORTED_KEY);
        imported.put("log", logName);
        ArrayNode values = imported.putArray("values");
        for (Source source : sources) {
            ObjectNode value = values.addObject();
            ArrayNode fields = value.putArray("fields");
            source.fields().forEach(fields::add);
            value.put("source", source.assumption() ? "assumed" : "dmesg");
            if (!source.assumption()) {
                ArrayNode lines = value.putArray("lines");
                source.lines().forEach(lines::add);
            }
            if (!source.why().isEmpty()) {
                value.put("why", source.why());
            }
        }
        if (!unreadable.isEmpty()) {
            ArrayNode unread = imported.putArray("unread");
            unreadable.forEach(u -> unread.addObject().put("line", u.line().number()).put("why", u.why()));
        }
        return scenario;
    }

    /**
     * What the import says about itself, one line each: where each value came from ({@code all}; else
     * only the values that are approximate), what was assumed, and which lines were not read.
     */
    public List<String> notes(boolean all) {
        List<String> notes = new ArrayList<>();
        for (Source source : sources) {
            String fields = String.join(", ", source.fields());
            if (source.assumption()) {
                notes.add(logName + ": assumed " + fields + ": " + source.why());
            } else if (all || source.approximate()) {
                notes.add(logName + ": " + fields + " from " + Source.lineWords(source.lines())
                        + (source.why().isEmpty() ? "" : ": " + source.why()));
            }
        }
        unreadable.stream().sorted((a, b) -> Integer.compare(a.line().number(), b.line().number()))
                .forEach(u -> notes.add(logName + ":" + u.line().number() + ": not read: " + u.why()));
        return notes;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
