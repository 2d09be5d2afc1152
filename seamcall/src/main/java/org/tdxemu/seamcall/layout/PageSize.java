package org.tdxemu.seamcall.layout;

import java.util.Optional;

/** The three page sizes a PAMT tracks; the code is TDX_PS_* (kernel-init.md §2.8). */
public enum PageSize {
    SIZE_4K(0, 12, "4K"),
    SIZE_2M(1, 21, "2M"),
    SIZE_1G(2, 30, "1G");

    private final int code;
    private final int shift;
    private final String label;

    PageSize(int code, int shift, String label) {
        this.code = code;
        this.shift = shift;
        this.label = label;
    }

    /** TDX_PS_4K = 0, TDX_PS_2M = 1, TDX_PS_1G = 2: the value statuses carry in info1. */
    public int code() {
        return code;
    }

    public int shift() {
        return shift;
    }

    public long bytes() {
        return 1L << shift;
    }

    /** "4K", "2M" or "1G". */
    public String label() {
        return label;
    }

    public static Optional<PageSize> ofCode(int code) {
        for (PageSize p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
