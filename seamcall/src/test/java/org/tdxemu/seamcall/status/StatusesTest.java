package org.tdxemu.seamcall.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.register.Gpr;

class StatusesTest {

    @Test
    void buildsTheWorkedExamplesOfTheReference() {
        assertEquals(0xC0000A0100000003L, Statuses.tdmr(StatusCode.TDX_NON_ORDERED_TDMR, 3));
        assertEquals(0xC0000A2000000401L, Statuses.reservedArea(StatusCode.TDX_INVALID_RESERVED_IN_TDMR, 1, 4));
        assertEquals(0xC0000A1000000105L, Statuses.pamt(StatusCode.TDX_INVALID_PAMT, 5, PageSize.SIZE_2M));
        assertEquals(0xC0000A1200050102L, Statuses.pamtOverlap(2, PageSize.SIZE_2M, 5));
    }

    @Test
    void buildsOperandAndMsrForms() {
        assertEquals(0xC000010000000001L, Statuses.operandInvalid(Gpr.RCX));
        assertEquals(0xC000010000000008L, Statuses.operandInvalid(Gpr.R8));
        assertEquals(0x8000020000000001L, Statuses.operandBusy(Operand.RCX));
        assertEquals(0x80000200000000BBL, Statuses.operandBusy(Operand.KET));
        assertEquals(0xC000092100000122L, Statuses.msr(StatusCode.TDX_INCORRECT_MSR_VALUE, 0x122));
        assertEquals(0xC000091200000301L, Statuses.smrrOverlapsCmr(1, 3));
        assertEquals(0xC000082500000800L, Statuses.numActivatedHkidsNotSupported(2048));
        assertEquals(0xC000090600000008L, Statuses.invalidPackageId(8));
    }

    @Test
    void refusesACodeThatCarriesAnotherKindOfDetail() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Statuses.tdmr(StatusCode.TDX_INVALID_PAMT, 1));
        assertEquals("TDX_INVALID_PAMT carries TDMR_PAMT details, not TDMR", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Statuses.withOperand(StatusCode.TDX_PAMT_OVERLAP, Operand.RCX));
    }

    @Test
    void refusesAnIndexThatDoesNotFitItsByte() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Statuses.pamtOverlap(256, PageSize.SIZE_4K, 0));
        assertEquals("TDMR index does not fit a status byte: 256", e.getMessage());
    }

    @Test
    void rspIsNeverAnOperand() {
        assertThrows(IllegalArgumentException.class, () -> Operand.of(Gpr.RSP));
        assertEquals(9, Operand.of(Gpr.R9).id());
    }
}
