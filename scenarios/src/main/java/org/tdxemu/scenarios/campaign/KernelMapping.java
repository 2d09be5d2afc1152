package org.tdxemu.scenarios.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.Profile;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * What the kernel must make of one failed SEAMCALL during initialization: the errno and the log
 * lines that say so, written from kernel-init.md as an oracle independent of the kernel model.
 */
final class KernelMapping {

    private KernelMapping() {
    }

    /**
     * The errno {@code tdx_enable} (or, for Linux 6.18's SYS.INIT and LP.INIT, KVM's bring-up)
     * returns when the call to {@code leaf} answers {@code status} once; empty when the kernel
     * retries its way through (TDX_RND_NO_ENTROPY, the merged kernels).
     */
    static Optional<Errno> errno(Profile profile, Leaf leaf, long status) {
        return switch (profile) {
            case MAINLINE, LATEST, DPAMT -> mainline(status);
            case V7 -> Optional.of(v7(leaf, status));
        };
    }

    /** kernel-init.md §1.2: sc_retry() and sc_retry_prerr(). */
    private static Optional<Errno> mainline(long status) {
        if (status == StatusCode.TDX_RND_NO_ENTROPY.value()) {
            return Optional.empty();
        }
        if (status == StatusCode.TDX_SEAMCALL_VMFAILINVALID.value()) {
            return Optional.of(Errno.ENODEV);
        }
        if (status == StatusCode.TDX_SEAMCALL_GP.value()) {
            return Optional.of(Errno.EOPNOTSUPP);
        }
        if (status == StatusCode.TDX_SEAMCALL_UD.value()) {
            return Optional.of(Errno.EACCES);
        }
        return Optional.of(Errno.EIO);
    }

    /**
     * kernel-init.md §1.2 (V7 mapping), §1.4 (V7: anything but -ENODEV becomes -EFAULT) and §5
     * item 53 (a failed LP.INIT on any CPU is -EFAULT; so is KEY.CONFIG, through
     * seamcall_on_each_package_serialized()).
     */
    private static Errno v7(Leaf leaf, long status) {
        if (leaf == Leaf.TDH_SYS_LP_INIT || leaf == Leaf.TDH_SYS_KEY_CONFIG) {
            return Errno.EFAULT;
        }
        if (status == StatusCode.TDX_SEAMCALL_VMFAILINVALID.value() || status == StatusCode.TDX_SEAMCALL_GP.value()) {
            return Errno.ENODEV;
        }
        return Errno.EFAULT;
    }

    /** The lines that must appear in the log after {@code leaf} answered {@code status}. */
    static List<String> lines(Profile profile, Leaf leaf, long status, Optional<Errno> errno) {
        List<String> lines = new ArrayList<>();
        if (errno.isEmpty()) {
            return lines;
        }
        switch (profile) {
            case MAINLINE, LATEST, DPAMT -> {
                if (errno.get() == Errno.EIO) {
                    lines.add(String.format("virt/tdx: SEAMCALL (0x%016x) failed: 0x%016x", leaf.rax(), status));
                }
                if (leaf == Leaf.TDH_SYS_INIT && errno.get() == Errno.ENODEV) {
                    lines.add("virt/tdx: module not loaded");
                }
                // SYS.INIT and LP.INIT fail the CPU bring-up, which says nothing more (kernel-init.md §1.3).
                if (leaf != Leaf.TDH_SYS_INIT && leaf != Leaf.TDH_SYS_LP_INIT) {
                    lines.add("virt/tdx: " + (profile == Profile.MAINLINE ? "module initialization failed ("
                            : "TDX-Module initialization failed (") + errno.get().kernelReturn() + ")");
                }
            }
            case V7 -> lines.add(errno.get() == Errno.ENODEV ? "tdx: TDX module is not loaded."
                    : "tdx: Failed to initialize TDX module. Shut it down.");
        }
        return lines;
    }
}
