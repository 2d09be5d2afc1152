package org.tdxemu.scenarios.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.init.KernelOptions;

/**
 * A scenario file, validated: a platform, a module, a kernel profile, faults to inject and what
 * must come out (DESIGN.md, "Scenario format").
 *
 * @param platformJson the "platform" object as the file wrote it, for trace files
 * @param moduleJson   the "module" object as the file wrote it (empty when absent)
 */
public record Scenario(String name, String description, PlatformSpec platform, ModuleSpec module,
                       KernelOptions kernel, List<FaultSpec> faults, Optional<Expectation> expect,
                       ObjectNode platformJson, ObjectNode moduleJson) {

    public Scenario {
        faults = List.copyOf(faults);
    }

    public Scenario withModule(ModuleSpec newModule) {
        ObjectNode json = moduleJson.deepCopy();
        json.put("version", newModule.version().label());
        if (newModule.dynamicPamt()) {
            json.put("dynamicPamt", true);
        } else {
            json.remove("dynamicPamt");
        }
        return new Scenario(name, description, platform, newModule, kernel, faults, expect, platformJson, json);
    }

    /** The same scenario with these faults and no expectations: what a fault campaign runs. */
    public Scenario withFaultsOnly(List<FaultSpec> newFaults) {
        return new Scenario(name, description, platform, module, kernel, newFaults, Optional.empty(), platformJson,
                moduleJson);
    }

    /** The same scenario with nothing expected: what a run that does not check expectations runs. */
    public Scenario withoutExpectations() {
        return new Scenario(name, description, platform, module, kernel, faults, Optional.empty(), platformJson,
                moduleJson);
    }

    public Scenario withKernel(KernelOptions newKernel) {
        return new Scenario(name, description, platform, module, newKernel, faults, expect, platformJson, moduleJson);
    }
}
