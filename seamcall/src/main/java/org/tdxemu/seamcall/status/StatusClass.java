package org.tdxemu.seamcall.status;

import java.util.Optional;

/** The CLASS field of a completion status, bits 47:40 (module-abi.md §1.3). */
public enum StatusClass {
    GENERIC(0x00, "generic / TD exit"),
    OPERAND(0x01, "operand"),
    BUSY(0x02, "busy / resource / entropy"),
    PAGE_METADATA(0x03, "page metadata"),
    TD_ASSOCIATED_PAGES(0x04, "TD associated pages"),
    SYSTEM(0x05, "system / module state"),
    TD_STATE(0x06, "TD state"),
    VCPU(0x07, "VCPU"),
    KEY_MANAGEMENT(0x08, "key management"),
    PLATFORM_CONFIG(0x09, "platform configuration (CPUID / MSR / SMRR)"),
    TDMR_PAMT_CMR(0x0A, "TDMR / PAMT / CMR"),
    EPT(0x0B, "EPT"),
    METADATA(0x0C, "metadata"),
    SERVICE_TD(0x0D, "service TD"),
    MIGRATION(0x0E, "migration"),
    TDX_IO(0x0F, "TDX-IO"),
    ATTESTATION(0x10, "attestation"),
    TD_PARTITIONING(0x11, "L2 / TD partitioning"),
    /** Never produced by the module; the kernel's software-defined codes (TDX_SW_ERROR). */
    SOFTWARE(0xFF, "kernel software code");

    private final int code;
    private final String description;

    StatusClass(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    public static Optional<StatusClass> ofCode(int code) {
        for (StatusClass c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
