package org.tdxemu.scenarios.campaign;

/**
 * Hears how far a fault campaign has come, counted in SEAMCALLs: first the work of all its runs,
 * then each run's share as it finishes. Runs finish in any order, on the campaign's threads.
 */
public interface CampaignProgress extends AutoCloseable {

    /** Hears nothing. */
    CampaignProgress SILENT = new CampaignProgress() {
        @Override
        public void started(long seamcalls) {
        }

        @Override
        public void ran(long seamcalls) {
        }
    };

    /** Before the first run: the SEAMCALLs all the runs will issue, as the campaign estimates them. */
    void started(long seamcalls);

    /** After each run, on the thread that ran it: the SEAMCALLs that run was counted for in {@link #started}. */
    void ran(long seamcalls);

    @Override
    default void close() {
    }
}
