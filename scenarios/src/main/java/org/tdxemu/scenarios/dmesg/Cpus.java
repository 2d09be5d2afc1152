package org.tdxemu.scenarios.dmesg;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.tdxemu.scenarios.dmesg.Fact.CpusActivated;
import org.tdxemu.scenarios.dmesg.Fact.LogicalPackages;
import org.tdxemu.scenarios.dmesg.Fact.NodeMemory;
import org.tdxemu.scenarios.dmesg.Fact.NodesBroughtUp;
import org.tdxemu.scenarios.dmesg.Fact.SmpBootNode;
import org.tdxemu.scenarios.dmesg.Fact.SratNode;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.ScenarioException;

/**
 * The packages and CPUs of the machine, from the boot log's SMP lines: the CPU count from
 * {@code smpboot: Total of N processors activated} or {@code smp: Brought up N nodes, M CPUs}, the
 * packages from {@code smpboot: Max logical packages} or, failing that, one package per NUMA node.
 */
record Cpus(int packages, int cpusPerPackage) {

    static Cpus of(String logName, BootLog log, List<Source> sources) {
        List<Read> countLines = new ArrayList<>(log.all(CpusActivated.class));
        countLines.addAll(log.all(NodesBroughtUp.class));
        Optional<Integer> cpus = countLines.stream().map(Cpus::count).findFirst();
        for (Read line : countLines) {
            int these = count(line);
            if (these != cpus.orElseThrow()) {
                throw new ScenarioException(logName + ": line " + countLines.get(0).line().number() + " says "
                        + cpus.get() + " CPUs but line " + line.line().number() + " says " + these);
            }
        }
        List<Read> packageLines = new ArrayList<>(log.all(LogicalPackages.class));
        String packagesWhy;
        int packages;
        if (!packageLines.isEmpty()) {
            packages = ((LogicalPackages) packageLines.get(0).fact()).packages();
            packagesWhy = "";
        } else {
            packageLines = nodeLines(log);
            packages = nodes(packageLines);
            packagesWhy = packageLines.isEmpty() ? "" : "one package per NUMA node";
        }
        if (packages < 1 || packages > ScenarioReader.MAX_PACKAGES) {
            throw new ScenarioException(logName + ":" + packageLines.get(0).line().number() + ": " + packages
                    + " packages; tdxemu emulates 1 to " + ScenarioReader.MAX_PACKAGES);
        }
        if (cpus.isEmpty()) {
            List<String> fields = new ArrayList<>(List.of("platform.cpusPerPackage"));
            String why = "the log shows no CPU count; " + Importer.DEFAULT_CPUS_PER_PACKAGE
                    + " CPUs per package, the scenario default";
            if (packageLines.isEmpty()) {
                fields.add(0, "platform.packages");
                why = "the log shows no CPUs; 1 package of " + Importer.DEFAULT_CPUS_PER_PACKAGE
                        + " CPUs, the scenario default";
            } else {
                sources.add(Source.read("platform.packages", Importer.lines(packageLines), packagesWhy));
            }
            sources.add(Source.assumed(fields, why));
            return new Cpus(packages, Importer.DEFAULT_CPUS_PER_PACKAGE);
        }
        int total = cpus.get();
        if (total < 1 || total > ScenarioReader.MAX_CPUS) {
            throw new ScenarioException(logName + ":" + countLines.get(0).line().number() + ": " + total
                    + " CPUs; tdxemu emulates 1 to " + ScenarioReader.MAX_CPUS);
        }
        int perPackage = (total + packages - 1) / packages;
        List<Read> used = new ArrayList<>(countLines);
        packageLines.stream().filter(line -> !used.contains(line)).forEach(used::add);
        used.sort((a, b) -> Integer.compare(a.line().number(), b.line().number()));
        String why = total + " CPUs" + (packageLines.isEmpty() ? " in 1 package (the log does not show packages or "
                + "nodes)" : " in " + packages + (packages == 1 ? " package" : " packages")
                + (packagesWhy.isEmpty() ? "" : ", " + packagesWhy));
        if (perPackage * packages != total) {
            why += "; they do not split evenly, so each package has " + perPackage;
        }
        sources.add(new Source(List.of("platform.packages", "platform.cpusPerPackage"), Importer.lines(used), why,
                perPackage * packages != total));
        return new Cpus(packages, perPackage);
    }

    /** The CPUs a count line states. */
    private static int count(Read line) {
        return line.fact() instanceof CpusActivated activated ? activated.cpus() : ((NodesBroughtUp) line.fact()).cpus();
    }

    /** The lines that show how many NUMA nodes there are, by the most direct evidence the log has. */
    private static List<Read> nodeLines(BootLog log) {
        for (Class<? extends Fact> kind : List.of(NodesBroughtUp.class, SmpBootNode.class, SratNode.class,
                NodeMemory.class)) {
            if (!log.all(kind).isEmpty()) {
                return log.all(kind);
            }
        }
        return List.of();
    }

    private static int nodes(List<Read> lines) {
        if (lines.isEmpty()) {
            return 1;
        }
        if (lines.get(0).fact() instanceof NodesBroughtUp up) {
            return up.nodes();
        }
        TreeSet<Integer> nodes = new TreeSet<>();
        for (Read line : lines) {
            Fact fact = line.fact();
            nodes.add(fact instanceof SmpBootNode n ? n.node() : fact instanceof SratNode n ? n.node()
                    : ((NodeMemory) fact).node());
        }
        return nodes.size();
    }
}
