package org.tdxemu.scenarios.compare;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.kernel.host.KeyIdPartitioningMsr;
import org.tdxemu.kernel.init.KernelOptions;
import org.tdxemu.kernel.layout.Layout;
import org.tdxemu.scenarios.spec.KeyIds;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.scenarios.spec.Scenario;
import org.tdxemu.seamcall.memory.Range;

/** A generated layout as a scenario: its host and CMRs, the default module (1.5, 64 TDMRs of 16 areas) and kernel. */
public final class LayoutScenarios {

    private LayoutScenarios() {
    }

    public static Scenario of(Layout layout) {
        HostConfig host = layout.host();
        int packages = (int) host.cpus().stream().map(Cpu::packageId).distinct().count();
        KeyIdPartitioningMsr split = host.keyIdPartitioning().orElseThrow();
        int mktme = (int) split.mktmeKeyIds();
        int tdx = (int) split.tdxKeyIds();
        PlatformSpec platform = new PlatformSpec(packages, host.cpus().size() / packages, Set.of(),
                new KeyIds(mktme, tdx, KeyIds.bitsFor(mktme, tdx)), layout.cmrs(), host.memblock(), host.reserved(),
                new Range(0, 0), List.of(), false);
        return new Scenario(layout.name(), "", platform, ModuleSpec.DEFAULT, KernelOptions.DEFAULT, List.of(),
                Optional.empty(), JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode());
    }
}
