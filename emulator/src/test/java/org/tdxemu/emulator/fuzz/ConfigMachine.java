package org.tdxemu.emulator.fuzz;

import java.util.List;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.platform.Cmr;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformKeyIds;
import org.tdxemu.seamcall.memory.Range;

/**
 * The machine one CONFIG case runs on: the module's personality, the CPUs, the KeyID split, SEAMRR,
 * the CMR slots and the installed memory; as the emulator is built from it, and as the oracle
 * sees it.
 *
 * @param dynamicPamt the module supports Dynamic PAMT (1.5 only)
 * @param keyIdBits the HKID bits of a physical address
 * @param cmrSlots  in MCHECK's order, null slots included
 * @param installed where host memory exists; everywhere else reads all ones
 */
record ConfigMachine(ModuleVersion version, boolean dynamicPamt, int packages, int cpusPerPackage, int mktmeKeyIds, int tdxKeyIds,
                     int keyIdBits, Range seamrr, List<Cmr> cmrSlots, List<Range> installed) {

    ConfigMachine {
        cmrSlots = List.copyOf(cmrSlots);
        installed = List.copyOf(installed);
    }

    Platform platform() {
        return Platform.builder().cpus(packages, cpusPerPackage)
                .keyIds(new PlatformKeyIds(mktmeKeyIds, tdxKeyIds, keyIdBits)).seamrr(seamrr).cmrs(cmrSlots)
                .build();
    }

    ModuleSettings settings() {
        return ModuleSettings.defaults(version).withDynamicPamt(dynamicPamt);
    }

    /** module-abi.md §2.2: the private KeyIDs follow the MKTME ones. */
    ConfigOracle.Platform oracleView() {
        List<ConfigOracle.CmrSlot> cmrs = cmrSlots.stream()
                .map(c -> new ConfigOracle.CmrSlot(c.base(), c.size())).toList();
        return new ConfigOracle.Platform(cmrs, keyIdBits, privateHkidMin(), privateHkidMax(), seamrr,
                version == ModuleVersion.V1_0, dynamicPamt);
    }

    int privateHkidMin() {
        return mktmeKeyIds + 1;
    }

    int privateHkidMax() {
        return mktmeKeyIds + tdxKeyIds;
    }

    /** Whether TDH.SYS.CONFIG may enable Dynamic PAMT here: the module has it and the KeyID bits start at bit 48 or below. */
    boolean canEnableDynamicPamt() {
        return dynamicPamt && hkidShift() <= 48;
    }

    /** The lowest HKID bit of a physical address. */
    int hkidShift() {
        return 52 - keyIdBits;
    }

    @Override
    public String toString() {
        return String.format("module %s%s, %d×%d CPUs, KeyIDs %d MKTME + %d TDX in %d bits, SEAMRR %s, CMRs %s, "
                + "memory %s", version.label(), dynamicPamt ? " with Dynamic PAMT" : "", packages, cpusPerPackage, mktmeKeyIds, tdxKeyIds, keyIdBits, seamrr,
                cmrSlots, installed);
    }
}
