package org.tdxemu.scenarios.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.planner.PlannerKind;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The what-if options every command that runs or plans a scenario takes: the same machine as
 * another kernel, against another module, or with another TDMR planner. A scenario's expectations describe the scenario as
 * written, so an option that changes it also says so ({@link Applied#changes()}).
 */
final class WhatIf {

    @Option(names = "--kernel-profile", paramLabel = "P", converter = ProfileConverter.class,
            completionCandidates = ProfileNames.class, description = "run as this kernel: ${COMPLETION-CANDIDATES}")
    Profile profile;

    @Option(names = "--module-version", paramLabel = "V", converter = VersionConverter.class,
            description = "play this module: 1.0 or 1.5 (1.0 has no Dynamic PAMT)")
    ModuleVersion moduleVersion;

    @Option(names = "--holes", paramLabel = "H", converter = HolesConverter.class,
            description = "take reserved-area holes from memblock (upstream) or from the CMRs (cmr, the unmerged fix)")
    HoleSource holes;

    @Option(names = "--dynamic-pamt", negatable = true,
            description = "play the module with Dynamic PAMT, or without it (--no-dynamic-pamt); 1.5 only")
    Boolean dynamicPamt;

    @Option(names = "--planner", paramLabel = "P", converter = PlannerConverter.class,
            description = "build the TDMRs with the kernel's planner (kernel) or tdxemu's optimal one (optimal)")
    PlannerKind planner;

    /** A scenario with the options applied, and the options that changed it, as the user typed them. */
    record Applied(Scenario scenario, List<String> changes) {
    }

    Applied applyTo(Scenario scenario) {
        Scenario result = scenario;
        List<String> changes = new ArrayList<>();
        if (profile != null && profile != scenario.kernel().profile()) {
            HoleSource holes = scenario.kernel().holes();
            if (profile == Profile.V7 && holes == HoleSource.CMRS) {
                throw new ScenarioException("--kernel-profile v7: " + scenario.name()
                        + " takes holes from the CMRs, a fix the v7 profile never had");
            }
            result = result.withKernel(new KernelOptions(profile, holes, scenario.kernel().planner()));
            changes.add("--kernel-profile " + ScenarioReader.profileName(profile));
        }
        if (holes != null && holes != result.kernel().holes()) {
            if (result.kernel().profile() == Profile.V7 && holes == HoleSource.CMRS) {
                throw new ScenarioException("--holes cmr: " + scenario.name()
                        + " runs the v7 profile, which never had holes from the CMRs");
            }
            result = result.withKernel(new KernelOptions(result.kernel().profile(), holes, result.kernel().planner()));
            changes.add("--holes " + ScenarioReader.holesName(holes));
        }
        if (planner != null && planner != result.kernel().planner()) {
            result = result.withKernel(result.kernel().withPlanner(planner));
            changes.add("--planner " + ScenarioReader.plannerName(planner));
        }
        ModuleSpec module = moduleFor(scenario.module());
        if (moduleVersion != null && moduleVersion != scenario.module().version()) {
            changes.add("--module-version " + moduleVersion.label());
        }
        if (dynamicPamt != null && dynamicPamt != scenario.module().dynamicPamt()) {
            changes.add(dynamicPamt ? "--dynamic-pamt" : "--no-dynamic-pamt");
        }
        if (!module.equals(scenario.module())) {
            result = result.withModule(module);
        }
        return new Applied(result, changes);
    }

    /**
     * {@code module} as the options play it: another personality (which keeps Dynamic PAMT only
     * where it can have it), then with or without Dynamic PAMT.
     */
    ModuleSpec moduleFor(ModuleSpec module) {
        return play(module, moduleVersion, dynamicPamt);
    }

    /** {@code module} as {@code --module-version} and {@code --[no-]dynamic-pamt} play it; null: as it is. */
    static ModuleSpec play(ModuleSpec module, ModuleVersion moduleVersion, Boolean dynamicPamt) {
        ModuleSpec played = moduleVersion == null ? module : module.withVersion(moduleVersion);
        if (dynamicPamt == null) {
            return played;
        }
        if (dynamicPamt && !played.version().mayHaveDynamicPamt()) {
            throw new ScenarioException("--dynamic-pamt: module " + played.version().label()
                    + " has no Dynamic PAMT; it needs version 1.5");
        }
        return played.withDynamicPamt(dynamicPamt);
    }

    /** Every profile, as scenario files and the command line name it. */
    static final class ProfileNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.of(Profile.values()).map(ScenarioReader::profileName).iterator();
        }
    }

    /** A converter that reads a word as the scenario reader does, so both refuse it in the same words. */
    private abstract static class AsScenariosRead<T> implements ITypeConverter<T> {
        private final Function<String, T> reader;

        AsScenariosRead(Function<String, T> reader) {
            this.reader = reader;
        }

        @Override
        public T convert(String value) {
            try {
                return reader.apply(value);
            } catch (ScenarioException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ProfileConverter extends AsScenariosRead<Profile> {
        ProfileConverter() {
            super(ScenarioReader::profile);
        }
    }

    static final class HolesConverter extends AsScenariosRead<HoleSource> {
        HolesConverter() {
            super(ScenarioReader::holes);
        }
    }

    static final class PlannerConverter extends AsScenariosRead<PlannerKind> {
        PlannerConverter() {
            super(ScenarioReader::planner);
        }
    }

    static final class VersionConverter extends AsScenariosRead<ModuleVersion> {
        VersionConverter() {
            super(ScenarioReader::version);
        }
    }
}
