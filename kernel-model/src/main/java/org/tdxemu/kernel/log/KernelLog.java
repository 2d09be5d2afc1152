package org.tdxemu.kernel.log;

import java.util.ArrayList;
import java.util.List;
import org.tdxemu.kernel.Profile;

/**
 * The lines the kernel prints, as dmesg shows them without timestamps: each message behind the
 * profile's {@code pr_fmt} prefix ({@code virt/tdx: module initialized}). The level of a message
 * does not show in those lines and is not kept.
 *
 * <p>WARN_ON() splats are kept apart: the kernel prints a register and stack dump for each, which
 * the model does not reproduce, so {@link #warnings()} only names the condition that fired.
 */
public final class KernelLog {

    private final String prefix;
    private final List<String> lines = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public KernelLog(Profile profile) {
        this.prefix = profile.logPrefix();
    }

    /** pr_info(), pr_warn() or pr_err() of one message, without its trailing newline. */
    public void print(String message) {
        lines.add(prefix + message);
    }

    /** The same with a printf-style format; the kernel's %llx and %lu are Java's %x and %d. */
    public void printf(String format, Object... args) {
        print(String.format(format, args));
    }

    /** A WARN_ON() that fired, named by its condition. */
    public void warnOn(String condition) {
        warnings.add(condition);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
