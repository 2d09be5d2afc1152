package org.tdxemu.scenarios.cli;

import org.tdxemu.scenarios.spec.Scenario;
import picocli.CommandLine.Option;

/** The options that run a scenario as another kernel or against another module. */
final class Overrides {

    @Option(names = "--kernel-profile", paramLabel = "P", description = "run as this kernel: mainline or v7")
    String profile;

    @Option(names = "--module-version", paramLabel = "V", description = "play this module: 1.0 or 1.5")
    String moduleVersion;

    Scenario applyTo(Scenario scenario) {
        return Inputs.withOverrides(scenario, profile, moduleVersion);
    }
}
