package org.tdxemu.seamcall.layout;

import java.util.Optional;

/** The page type byte of a PAMT entry (module-abi.md §5.5). */
public enum PageType {
    PT_NDA(0),
    PT_RSVD(1),
    PT_REG(3),
    PT_TDR(4),
    PT_TDCX(5),
    PT_TDVPR(6),
    PT_EPT(8);

    private final int code;

    PageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<PageType> ofCode(int code) {
        for (PageType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
