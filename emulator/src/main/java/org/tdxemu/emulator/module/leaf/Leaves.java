package org.tdxemu.emulator.module.leaf;

import java.util.EnumMap;
import java.util.Map;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.seamcall.leaf.Leaf;

/** The leaves a module build has, each with its handler. */
public final class Leaves {

    private Leaves() {
    }

    /** Every leaf a module of {@code settings}' personality emulates; the others answer as unknown leaves. */
    public static Map<Leaf, LeafHandler> of(ModuleSettings settings) {
        ModuleVersion version = settings.version();
        Map<Leaf, LeafHandler> h = new EnumMap<>(Leaf.class);
        h.put(Leaf.TDH_SYS_INFO, new SysInfo());
        h.put(Leaf.TDH_SYS_INIT, new SysInit());
        h.put(Leaf.TDH_SYS_LP_INIT, new SysLpInit());
        h.put(Leaf.TDH_SYS_CONFIG, new SysConfig());
        h.put(Leaf.TDH_SYS_KEY_CONFIG, new SysKeyConfig());
        h.put(Leaf.TDH_SYS_TDMR_INIT, new SysTdmrInit(settings));
        h.put(Leaf.TDH_SYS_LP_SHUTDOWN, new SysLpShutdown());
        if (version.hasShutdownLeaf()) {
            h.put(Leaf.TDH_SYS_SHUTDOWN, new SysShutdown());
        }
        if (version.hasMetadataLeaves()) {
            h.put(Leaf.TDH_SYS_RD, new SysRd());
            h.put(Leaf.TDH_SYS_RDALL, new SysRdAll());
            h.put(Leaf.TDH_SYS_UPDATE, new SysUpdate());
        }
        return h;
    }
}
