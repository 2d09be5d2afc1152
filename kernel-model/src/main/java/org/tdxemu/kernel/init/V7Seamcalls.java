package org.tdxemu.kernel.init;

import java.util.Optional;
import org.tdxemu.kernel.Errno;
import org.tdxemu.kernel.log.KernelLog;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * The v7 series' seamcall() (kernel-init.md §1.2): one call, no retry, nothing printed; the
 * outputs land in the caller's output struct, here {@code args}.
 */
final class V7Seamcalls {

    private final Seamcall seamcall;
    private final KernelLog log;

    V7Seamcalls(Seamcall seamcall, KernelLog log) {
        this.seamcall = seamcall;
        this.log = log;
    }

    Optional<Errno> seamcall(int cpu, Leaf leaf, RegisterFile args) {
        long status = seamcall.call(cpu, leaf, args);
        if (status == StatusCode.TDX_SUCCESS.value()) {
            return Optional.empty();
        }
        if (status == StatusCode.TDX_SEAMCALL_GP.value()) {
            // platform_tdx_enabled() was checked before any SEAMCALL, so #GP "cannot" happen.
            log.warnOn("seamcall(): TDX_SEAMCALL_GP");
            return Optional.of(Errno.ENODEV);
        }
        if (status == StatusCode.TDX_SEAMCALL_VMFAILINVALID.value()) {
            return Optional.of(Errno.ENODEV);
        }
        if (status == StatusCode.TDX_SEAMCALL_UD.value()) {
            return Optional.of(Errno.EINVAL);
        }
        return Optional.of(Errno.EIO);
    }
}
