package org.tdxemu.seamcall.status;

/** How a status carries its details in bits 31:0 (module-abi.md §1.3). */
public enum DetailForm {
    /** The usual form; zero when the status names no operand. */
    OPERAND("bits 31:0 name the operand"),
    TDMR("bits 7:0 name the TDMR"),
    TDMR_RESERVED_AREA("bits 7:0 name the TDMR, 15:8 the reserved area"),
    TDMR_PAMT("bits 7:0 name the TDMR, 15:8 the PAMT page size"),
    TDMR_PAMT_OTHER_TDMR("bits 7:0 name the TDMR, 15:8 the PAMT page size, 23:16 the other TDMR"),
    MSR("bits 31:0 name the MSR"),
    SMRR("bits 7:0 name the SMRR"),
    SMRR_CMR("bits 7:0 name the SMRR, 15:8 the CMR"),
    CPUID_LEAF("bits 31:0 name the CPUID leaf"),
    PACKAGE("bits 31:0 name the package"),
    HKID_LIMIT("bits 31:0 give the HKID limit"),
    EXACT("no details: the whole value is the code");

    private final String explanation;

    DetailForm(String explanation) {
        this.explanation = explanation;
    }

    /** What bits 31:0 of a status of this form carry, in words: {@code bits 7:0 name the TDMR}. */
    public String explanation() {
        return explanation;
    }
}
