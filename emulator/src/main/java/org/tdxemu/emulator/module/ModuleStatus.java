package org.tdxemu.emulator.module;

import java.util.List;

/**
 * A snapshot of the module's state for people and checks: where initialization stands, which LPs
 * and packages are done, and how far each configured TDMR is initialized.
 *
 * @param initializedCpus the logical CPUs whose LP.INIT succeeded, ascending
 * @param packageBitmap   {@code pkg_config_bitmap}: bit n set when package n's key is configured
 * @param tdmrs           the TDMRs of the last successful TDH.SYS.CONFIG, in table order
 * @param dynamicPamt     that TDH.SYS.CONFIG enabled Dynamic PAMT: TDH.SYS.TDMR.INIT covers 16 MiB a call
 */
public record ModuleStatus(SysState state, List<Integer> initializedCpus, int packageBitmap, int configuredPackages,
                           int hkid, List<TdmrProgress> tdmrs, boolean dynamicPamt) {

    public ModuleStatus {
        initializedCpus = List.copyOf(initializedCpus);
        tdmrs = List.copyOf(tdmrs);
    }

    /** One configured TDMR and the next address TDMR.INIT will initialize. */
    public record TdmrProgress(long base, long size, long next) {
        public boolean isComplete() {
            return next >= base + size;
        }
    }
}
