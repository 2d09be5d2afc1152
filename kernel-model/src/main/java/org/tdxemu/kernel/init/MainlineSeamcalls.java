package org.tdxemu.kernel.init;

import java.util.BitSet;
import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * The merged kernel's SEAMCALL wrappers (kernel-init.md §1.2): sc_retry() calls again while the
 * module answers TDX_RND_NO_ENTROPY, up to {@link #RDRAND_RETRY_LOOPS} calls in all, and
 * sc_retry_prerr() turns the final status into an error, printing the ones it has no errno for.
 * From M618 every attempt first flags its CPU's caches incoherent, for whoever takes the CPU down.
 */
final class MainlineSeamcalls {

    /** RDRAND_RETRY_LOOPS: calls in total, the first included. */
    static final int RDRAND_RETRY_LOOPS = 10;

    private final Seamcall seamcall;
    private final KernelLog log;
    /** The per-CPU {@code cache_state_incoherent}. */
    private final BitSet incoherentCaches = new BitSet();

    MainlineSeamcalls(Seamcall seamcall, KernelLog log) {
        this.seamcall = seamcall;
        this.log = log;
    }

    /**
     * seamcall_prerr(): the plain __seamcall() copies no output back, so {@code args} keep their
     * inputs, and every retry sends them again.
     */
    Optional<Errno> prerr(int cpu, Leaf leaf, RegisterFile args) {
        long status = retried(cpu, leaf, args, false);
        Optional<Errno> error = errno(status);
        if (error.isPresent() && error.get() == Errno.EIO) {
            printFailure(leaf, status);
        }
        return error;
    }

    /**
     * seamcall_prerr_ret(): __seamcall_ret() copies the outputs into {@code args}, which a retry
     * then sends as its inputs, and a failure also dumps RCX … R11 as they came back.
     */
    Optional<Errno> prerrRet(int cpu, Leaf leaf, RegisterFile args) {
        long status = retried(cpu, leaf, args, true);
        Optional<Errno> error = errno(status);
        if (error.isPresent() && error.get() == Errno.EIO) {
            printFailure(leaf, status);
            log.printf("RCX 0x%016x RDX 0x%016x R08 0x%016x", args.rcx(), args.rdx(), args.r8());
            log.printf("R09 0x%016x R10 0x%016x R11 0x%016x", args.r9(), args.r10(), args.r11());
        }
        return error;
    }

    private long retried(int cpu, Leaf leaf, RegisterFile args, boolean outputsReturn) {
        long status;
        int calls = RDRAND_RETRY_LOOPS;
        do {
            incoherentCaches.set(cpu);
            status = seamcall.call(cpu, leaf, outputsReturn ? args : args.copy());
        } while (status == StatusCode.TDX_RND_NO_ENTROPY.value() && --calls > 0);
        return status;
    }

    /** Whether a SEAMCALL flagged {@code cpu}'s caches incoherent since they were last written back; clears the flag. */
    boolean takeIncoherentCaches(int cpu) {
        boolean incoherent = incoherentCaches.get(cpu);
        incoherentCaches.clear(cpu);
        return incoherent;
    }

    /** Anything but the three software codes, warnings with bit 63 clear included, is -EIO. */
    private static Optional<Errno> errno(long status) {
        if (status == StatusCode.TDX_SUCCESS.value()) {
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

    private void printFailure(Leaf leaf, long status) {
        log.printf("SEAMCALL (0x%016x) failed: 0x%016x", leaf.rax(), status);
    }
}
