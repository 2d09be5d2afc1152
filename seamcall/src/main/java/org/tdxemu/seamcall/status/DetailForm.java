package org.tdxemu.seamcall.status;

/** How a status carries its details in bits 31:0 (module-abi.md §1.3). */
public enum DetailForm {
    /** An operand ID (the usual form; zero when the status names no operand). */
    OPERAND,
    /** info0 = the TDMR index. */
    TDMR,
    /** info0 = the TDMR index, info1 = the reserved-area index. */
    TDMR_RESERVED_AREA,
    /** info0 = the TDMR index, info1 = the PAMT page size. */
    TDMR_PAMT,
    /** info0 = the TDMR index, info1 = the PAMT page size, info2 = the other TDMR's index. */
    TDMR_PAMT_OTHER_TDMR,
    /** The MSR address. */
    MSR,
    /** The SMRR index. */
    SMRR,
    /** The SMRR index, and the CMR index in bits 15:8. */
    SMRR_CMR,
    /** The CPUID leaf. */
    CPUID_LEAF,
    /** The package ID. */
    PACKAGE,
    /** The HKID limit the platform exceeded. */
    HKID_LIMIT,
    /** The whole 64-bit value is the code; there are no separate details. */
    EXACT
}
