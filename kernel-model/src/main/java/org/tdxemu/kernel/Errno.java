package org.tdxemu.kernel;

/**
 * The error numbers the TDX initialization paths return (include/uapi/asm-generic/errno*.h). The
 * kernel returns them negated and prints them that way: {@code module initialization failed (-5)}.
 */
public enum Errno {
    EIO(5),
    E2BIG(7),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    ENODEV(19),
    EINVAL(22),
    ENOSPC(28),
    EOPNOTSUPP(95);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive number, e.g. 5 for EIO. */
    public int number() {
        return number;
    }

    /** What a kernel function returns for this error, e.g. -5 for EIO. */
    public int kernelReturn() {
        return -number;
    }
}
