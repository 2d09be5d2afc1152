package org.tdxemu.seamcall.status;

import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.register.Gpr;

/**
 * Builds a status from its base code and its details, the way the module fills bits 31:0
 * (module-abi.md §1.3). Each builder checks that the code carries that kind of detail.
 */
public final class Statuses {

    private static final int INFO_MAX = 0xFF;

    private Statuses() {
    }

    /** {@code code} + operand ID, e.g. TDX_OPERAND_INVALID + RCX = 0xC000010000000001. */
    public static long withOperand(StatusCode code, Operand operand) {
        require(code, DetailForm.OPERAND);
        return code.value() | operand.id();
    }

    public static long operandInvalid(Gpr register) {
        return withOperand(StatusCode.TDX_OPERAND_INVALID, Operand.of(register));
    }

    public static long operandBusy(Operand operand) {
        return withOperand(StatusCode.TDX_OPERAND_BUSY, operand);
    }

    /** TDX_INVALID_TDMR, TDX_NON_ORDERED_TDMR or TDX_TDMR_OUTSIDE_CMRS for TDMR {@code tdmr}. */
    public static long tdmr(StatusCode code, int tdmr) {
        require(code, DetailForm.TDMR);
        return code.value() | info(tdmr, "TDMR index");
    }

    /** TDX_INVALID_RESERVED_IN_TDMR or TDX_NON_ORDERED_RESERVED_IN_TDMR: TDMR i, area j. */
    public static long reservedArea(StatusCode code, int tdmr, int area) {
        require(code, DetailForm.TDMR_RESERVED_AREA);
        return code.value() | info(tdmr, "TDMR index") | (long) info(area, "reserved-area index") << 8;
    }

    /** TDX_INVALID_PAMT or TDX_PAMT_OUTSIDE_CMRS: TDMR i's PAMT of the given page size. */
    public static long pamt(StatusCode code, int tdmr, PageSize pageSize) {
        require(code, DetailForm.TDMR_PAMT);
        return code.value() | info(tdmr, "TDMR index") | (long) pageSize.code() << 8;
    }

    /** TDX_PAMT_OVERLAP: TDMR i's PAMT of the given page size, against TDMR j. */
    public static long pamtOverlap(int tdmr, PageSize pageSize, int otherTdmr) {
        return StatusCode.TDX_PAMT_OVERLAP.value() | info(tdmr, "TDMR index") | (long) pageSize.code() << 8
                | (long) info(otherTdmr, "other TDMR index") << 16;
    }

    /** TDX_INCORRECT_MSR_VALUE or TDX_INCONSISTENT_MSR + the MSR address. */
    public static long msr(StatusCode code, int msrAddress) {
        require(code, DetailForm.MSR);
        return code.value() | Integer.toUnsignedLong(msrAddress);
    }

    /** TDX_SMRR_NOT_LOCKED or TDX_INVALID_SMRR_CONFIGURATION + the SMRR index. */
    public static long smrr(StatusCode code, int smrrIndex) {
        require(code, DetailForm.SMRR);
        return code.value() | info(smrrIndex, "SMRR index");
    }

    /** TDX_SMRR_OVERLAPS_CMR: SMRR index + CMR index << 8. */
    public static long smrrOverlapsCmr(int smrrIndex, int cmrIndex) {
        return StatusCode.TDX_SMRR_OVERLAPS_CMR.value() | info(smrrIndex, "SMRR index")
                | (long) info(cmrIndex, "CMR index") << 8;
    }

    public static long cpuidLeafNotSupported(int leaf) {
        return StatusCode.TDX_CPUID_LEAF_NOT_SUPPORTED.value() | Integer.toUnsignedLong(leaf);
    }

    public static long invalidPackageId(int packageId) {
        return StatusCode.TDX_INVALID_PKG_ID.value() | Integer.toUnsignedLong(packageId);
    }

    public static long numActivatedHkidsNotSupported(int hkidLimit) {
        return StatusCode.TDX_NUM_ACTIVATED_HKIDS_NOT_SUPPORTED.value() | Integer.toUnsignedLong(hkidLimit);
    }

    private static void require(StatusCode code, DetailForm form) {
        if (code.detailForm() != form) {
            throw new IllegalArgumentException(code + " carries " + code.detailForm() + " details, not " + form);
        }
    }

    private static int info(int value, String what) {
        if (value < 0 || value > INFO_MAX) {
            throw new IllegalArgumentException(what + " does not fit a status byte: " + value);
        }
        return value;
    }
}
