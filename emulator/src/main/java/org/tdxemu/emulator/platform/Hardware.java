package org.tdxemu.emulator.platform;

/**
 * What the module asks of the CPU at run time and whose failures it reports: RDRAND, and PCONFIG
 * programming the global key. The default succeeds every time; tests and fault campaigns make
 * chosen draws fail.
 */
public interface Hardware {

    /** The result of PCONFIG KEY_PROGRAM for the global KeyID (module-abi.md §4.5 step 4). */
    enum PconfigResult { SUCCESS, ENTROPY_ERROR, DEVICE_BUSY }

    Hardware IDEAL = new Hardware() {
    };

    /** Whether RDRAND gives a value on {@code cpu}. */
    default boolean rdrand(int cpu) {
        return true;
    }

    /** Programs a random key for {@code hkid} on the package of {@code cpu}. */
    default PconfigResult pconfig(int cpu, int hkid) {
        return PconfigResult.SUCCESS;
    }
}
