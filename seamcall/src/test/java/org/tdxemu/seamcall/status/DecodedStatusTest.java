package org.tdxemu.seamcall.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.layout.PageSize;

class DecodedStatusTest {

    @Test
    void anOperandClassStatusNamesOperandZeroAsRaxWhereOtherCodesLeaveItOut() {
        assertEquals("TDX_OPERAND_INVALID, operand 0x0 (RAX)", DecodedStatus.of(0xC000010000000000L).summary());
        assertEquals("TDX_SYS_BUSY", DecodedStatus.of(0x8000020200000000L).summary());
    }

    @Test
    void explainsAPamtOverlapWithBothTdmrsAndThePageSize() {
        assertEquals("TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, against TDMR 5",
                DecodedStatus.of(0xC0000A1200050102L).summary());
    }

    @Test
    void explainsAnInvalidReservedAreaWithItsTdmrAndIndex() {
        assertEquals("TDX_INVALID_RESERVED_IN_TDMR, TDMR 1, reserved area 4",
                DecodedStatus.of(0xC0000A2000000401L).summary());
    }

    @Test
    void explainsAnOperandIdWithItsName() {
        assertEquals("TDX_OPERAND_INVALID, operand 0x45 (CPUID_CONFIG)", DecodedStatus.of(0xC000010000000045L).summary());
        assertEquals("TDX_OPERAND_INVALID, operand 0x1 (RCX)", DecodedStatus.of(0xC000010000000001L).summary());
        assertEquals("TDX_OPERAND_BUSY, operand 0xbb (KET)", DecodedStatus.of(0x80000200000000BBL).summary());
        assertEquals("TDX_OPERAND_INVALID, operand 0x4", DecodedStatus.of(0xC000010000000004L).summary());
    }

    @Test
    void explainsAnMsrStatusWithTheMsrAddress() {
        assertEquals("TDX_INCORRECT_MSR_VALUE, MSR 0x122", DecodedStatus.of(0xC000092100000122L).summary());
        assertEquals("TDX_INCONSISTENT_MSR, MSR 0x982", DecodedStatus.of(0xC000092000000982L).summary());
    }

    @Test
    void saysAnInformationalStatusIsNotAnError() {
        DecodedStatus keyConfigured = DecodedStatus.of(0x0000081500000000L);
        assertEquals("TDX_KEY_CONFIGURED, not an error (bit 63 clear)", keyConfigured.summary());
        assertFalse(keyConfigured.isError());
        assertEquals(StatusClass.KEY_MANAGEMENT, keyConfigured.statusClass().orElseThrow());
    }

    @Test
    void explainsTheWorkedExamplesOfTheReference() {
        // module-abi.md §4.4, "Worked status examples".
        assertEquals("TDX_NON_ORDERED_TDMR, TDMR 3", DecodedStatus.of(0xC0000A0100000003L).summary());
        assertEquals("TDX_INVALID_PAMT, TDMR 5, 2M PAMT", DecodedStatus.of(0xC0000A1000000105L).summary());
    }

    @Test
    void explainsTheOtherDetailForms() {
        assertEquals("TDX_SMRR_OVERLAPS_CMR, SMRR 1, CMR 3", DecodedStatus.of(0xC000091200000301L).summary());
        assertEquals("TDX_SMRR_NOT_LOCKED, SMRR 0", DecodedStatus.of(0xC000091000000000L).summary());
        assertEquals("TDX_INVALID_PKG_ID, package 9", DecodedStatus.of(0xC000090600000009L).summary());
        assertEquals("TDX_CPUID_LEAF_NOT_SUPPORTED, CPUID leaf 0x1f", DecodedStatus.of(0xC00009080000001FL).summary());
        assertEquals("TDX_NUM_ACTIVATED_HKIDS_NOT_SUPPORTED, HKID limit 2048",
                DecodedStatus.of(0xC000082500000800L).summary());
        assertEquals("TDX_PAMT_OUTSIDE_CMRS, TDMR 0, 1G PAMT", DecodedStatus.of(0xC0000A1100000200L).summary());
        assertEquals("TDX_INVALID_PAMT, TDMR 7, PAMT page size 9", DecodedStatus.of(0xC0000A1000000907L).summary());
        assertEquals("TDX_INVALID_TDMR, TDMR 1, other details 0x01000000",
                DecodedStatus.of(0xC0000A0001000001L).summary());
        assertEquals("TDX_SUCCESS", DecodedStatus.of(0).summary());
        assertEquals("TDX_SEAMCALL_VMFAILINVALID", DecodedStatus.of(0x8000FF00FFFF0000L).summary());
    }

    @Test
    void namesACodeByTheGenerationAsked() {
        assertEquals("TDX_BOOT_NT4_SET", DecodedStatus.of(0xC000090100000000L, ModuleGeneration.TDX_1_0).summary());
        assertEquals("TDX_LIMIT_CPUID_MAXVAL_SET", DecodedStatus.of(0xC000090100000000L).summary());
        assertEquals("TDX_NON_RECOVERABLE_TD (TDX 1.0 table), not an error (bit 63 clear)",
                DecodedStatus.of(0x4000000200000000L).summary());
        assertEquals(Optional.of(ModuleGeneration.TDX_1_0), DecodedStatus.of(0xC000072100000000L).onlyIn());
    }

    @Test
    void anUnknownValueKeepsItsRawFields() {
        DecodedStatus unknown = DecodedStatus.of(0xC0007F4200001234L);
        assertEquals(Optional.empty(), unknown.code());
        assertEquals("unknown status, class 0x7f, details L1 0x42, details L2 0x00001234", unknown.summary());
        assertEquals(0x7F, unknown.classCode());
        assertEquals(0x42, unknown.detailsL1());
        assertEquals(0x1234, unknown.detailsL2());
        assertTrue(unknown.isError());
        assertTrue(unknown.isNonRecoverable());
        assertEquals(String.join(System.lineSeparator(),
                "0xc0007f4200001234: unknown status, class 0x7f, details L1 0x42, details L2 0x00001234",
                "  class 0x7f (unknown class), details L1 0x42, details L2 0x00001234",
                "  error, non-recoverable"), unknown.describe());
    }

    @Test
    void describesTheClassAndFlagBits() {
        assertEquals(String.join(System.lineSeparator(),
                "0xc0000a1200050102: TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, against TDMR 5",
                "  class 0x0a (TDMR / PAMT / CMR), details L1 0x12, details L2 0x00050102",
                "  error, non-recoverable"), DecodedStatus.of(0xC0000A1200050102L).describe());
        assertEquals(List.of("TDMR 2", "2M PAMT", "against TDMR 5"), DecodedStatus.of(0xC0000A1200050102L).details());
        assertTrue(DecodedStatus.of(0xE000060400000000L).isFatal());
        assertTrue(DecodedStatus.of(0x9000020500000000L).hasHostRecoverabilityHint());
    }

    @Test
    void decodesAnyValueWithoutThrowing() {
        qt().withExamples(20_000).forAll(longs().all()).check(raw -> {
            DecodedStatus d = DecodedStatus.of(raw);
            String summary = d.summary();
            return !summary.isEmpty() && !d.describe().isEmpty()
                    && (d.code().isPresent() || summary.contains(String.format("details L2 0x%08x", raw & 0xFFFFFFFFL)));
        });
    }

    @Test
    void everyBuiltPamtOverlapDecodesToItsIndices() {
        qt().forAll(integers().between(0, 255), integers().between(0, 2), integers().between(0, 255))
                .check((i, ps, j) -> DecodedStatus.of(Statuses.pamtOverlap(i, PageSize.ofCode(ps).orElseThrow(), j))
                        .summary().equals("TDX_PAMT_OVERLAP, TDMR " + i + ", "
                                + PageSize.ofCode(ps).orElseThrow().label() + " PAMT, against TDMR " + j));
    }
}
