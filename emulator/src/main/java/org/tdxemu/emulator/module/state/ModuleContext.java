package org.tdxemu.emulator.module.state;

import java.util.concurrent.atomic.AtomicInteger;
import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.ModuleVersion;
import org.tdxemu.emulator.module.SysState;
import org.tdxemu.emulator.module.metadata.GlobalMetadata;
import org.tdxemu.emulator.platform.Hardware;
import org.tdxemu.emulator.platform.Platform;
import org.tdxemu.emulator.platform.PlatformKeyIds;
import org.tdxemu.seamcall.memory.PhysicalAddress;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Everything the leaves share: the platform, the build settings, host memory, and the module's
 * global state (module-abi.md §2.2). Fields that leaves running without the global lock read are
 * published through the volatile {@link #state}: they are written before the state transition
 * that makes them reachable.
 */
public final class ModuleContext {

    /** MAX_PKGS: package IDs the module can track. */
    public static final int MAX_PACKAGES = 8;

    public final Platform platform;
    public final ModuleSettings settings;
    public final ModuleVersion version;
    public final ModuleMemory memory;
    public final Hardware hardware;
    public final SharexLock globalLock = new SharexLock();
    public final LogicalProcessor[] lps;
    public final KeyOwnerTable kot;
    /** The global metadata TDH.SYS.INFO, RD and RDALL report; fixed at load, so read without a lock. */
    public final GlobalMetadata metadata;

    public volatile SysState state = SysState.SYSINIT_PENDING;
    /** {@code num_of_lps} and {@code num_of_pkgs}, from MCHECK at SYS.INIT. */
    public int lpCount;
    public int packageCount;
    public final AtomicInteger initializedLps = new AtomicInteger();
    public final AtomicInteger configuredPackages = new AtomicInteger();
    /** {@code pkg_config_bitmap}, one bit per package ID. */
    public final AtomicInteger packageBitmap = new AtomicInteger();
    /** The global private KeyID, from TDH.SYS.CONFIG's R8. */
    public volatile int hkid;
    /**
     * Whether the successful TDH.SYS.CONFIG enabled Dynamic PAMT (R8 bit 16): the 4K PAMT levels
     * are bitmaps and TDH.SYS.TDMR.INIT covers 16 MiB a call. Set with the TDMR table.
     */
    public volatile boolean dynamicPamt;
    /** SEAMRR, latched at SYS.INIT. */
    public Range seamrr = new Range(0, 0);

    /** {@code tdmr_table}; the first {@link #tdmrCount} entries are in use once CONFIG succeeded. */
    public final TdmrEntry[] tdmrTable = new TdmrEntry[ModuleSettings.TABLE_TDMRS];
    public volatile int tdmrCount;

    public ModuleContext(Platform platform, ModuleSettings settings, ModuleMemory memory, Hardware hardware) {
        this.platform = platform;
        this.settings = settings;
        this.version = settings.version();
        this.memory = memory;
        this.hardware = hardware;
        this.lps = new LogicalProcessor[platform.lpCount()];
        for (int i = 0; i < lps.length; i++) {
            lps[i] = new LogicalProcessor(i, platform.cpus().get(i).packageId());
        }
        this.kot = new KeyOwnerTable(1 << platform.keyIds().keyIdBits());
        this.metadata = GlobalMetadata.of(platform, settings);
    }

    public PlatformKeyIds keyIds() {
        return platform.keyIds();
    }

    public long hkidMask() {
        return keyIds().hkidMask();
    }

    /** The status of a failed RDRAND in SYS.INIT and LP.INIT. */
    public long entropyFailure() {
        return version.reportsEntropyAsSysBusy() ? StatusCode.TDX_SYS_BUSY.value()
                : StatusCode.TDX_RND_NO_ENTROPY.value();
    }

    /**
     * The shared-HPA check for host-supplied buffers (module-abi.md §2.5): aligned to
     * {@code size} (HKID bits included), below 2^52, clear of SEAMRR once the HKID bits are
     * dropped, and with an HKID below the private range.
     */
    public boolean isSharedHpa(long pa, long size) {
        if ((pa & (size - 1)) != 0) {
            return false;
        }
        if (pa >>> PhysicalAddress.MAX_BITS != 0) {
            return false;
        }
        long physical = pa & ~hkidMask();
        if (!seamrr.isEmpty() && Range.ofSize(physical, size).overlaps(seamrr)) {
            return false;
        }
        long hkidOfPa = (pa & hkidMask()) >>> keyIds().hkidStartBit();
        return hkidOfPa < keyIds().privateHkidMin();
    }

    /** Whether a physical address is below 2^52 and carries no HKID bits. */
    public boolean isPlainPhysical(long pa) {
        return pa >>> PhysicalAddress.MAX_BITS == 0 && (pa & hkidMask()) == 0;
    }

    /** Whether any LP other than {@code self} is inside a SEAMCALL. */
    public boolean anotherLpBusy(LogicalProcessor self) {
        for (LogicalProcessor lp : lps) {
            if (lp != self && lp.busy) {
                return true;
            }
        }
        return false;
    }
}
