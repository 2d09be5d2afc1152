package org.tdxemu.scenarios.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.scenarios.spec.ScenarioException;

/** Turns what the user typed into scenarios: files, bundled names, and the override options. */
final class Inputs {

    private Inputs() {
    }

    /** A scenario file, or the name of a bundled scenario when no such file exists. */
    static Scenario scenario(String fileOrName) {
        Path path = Path.of(fileOrName);
        if (!Files.exists(path) && Library.contains(fileOrName)) {
            return Library.load(fileOrName);
        }
        return ScenarioReader.read(path);
    }

    static Scenario withOverrides(Scenario scenario, String profile, String moduleVersion) {
        Scenario result = scenario;
        if (profile != null) {
            Profile p = switch (profile) {
                case "mainline" -> Profile.MAINLINE;
                case "v7" -> Profile.V7;
                default -> throw new ScenarioException("--kernel-profile: unknown profile \"" + profile
                        + "\"; known: mainline, v7");
            };
            HoleSource holes = scenario.kernel().holes();
            if (p == Profile.V7 && holes == HoleSource.CMRS) {
                throw new ScenarioException("--kernel-profile v7: " + scenario.name()
                        + " takes holes from the CMRs, a fix the v7 profile never had");
            }
            result = result.withKernel(new KernelOptions(p, holes));
        }
        if (moduleVersion != null) {
            result = result.withModule(result.module().withVersion(version(moduleVersion)));
        }
        return result;
    }

    static ModuleVersion version(String label) {
        return ModuleVersion.ofLabel(label).orElseThrow(() -> new ScenarioException("--module-version: unknown version \""
                + label + "\"; known: 1.0, 1.5"));
    }
}
