package org.tdxemu.seamcall.status;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StatusCodeTest {

    /**
     * The TDX 1.5.01 status table, name to value, as module-abi.md §1.4 lists it (the module's
     * include/auto_gen/tdx_error_codes_defs.h), written out here so that {@link StatusCode} is held
     * to values typed independently of it.
     */
    private static final Map<String, Long> TDX_1_5_01 = Map.ofEntries(
            entry("TDX_SUCCESS", 0x0000000000000000L),
            entry("TDX_NON_RECOVERABLE_VCPU", 0x4000000100000000L),
            entry("TDX_NON_RECOVERABLE_TD", 0x6000000200000000L),
            entry("TDX_INTERRUPTED_RESUMABLE", 0x8000000300000000L),
            entry("TDX_INTERRUPTED_RESTARTABLE", 0x8000000400000000L),
            entry("TDX_NON_RECOVERABLE_TD_NON_ACCESSIBLE", 0x6000000500000000L),
            entry("TDX_INVALID_RESUMPTION", 0xC000000600000000L),
            entry("TDX_NON_RECOVERABLE_TD_WRONG_APIC_MODE", 0xE000000700000000L),
            entry("TDX_CROSS_TD_FAULT", 0x8000000800000000L),
            entry("TDX_CROSS_TD_TRAP", 0x9000000900000000L),
            entry("TDX_NON_RECOVERABLE_TD_CORRUPTED_MD", 0x6000000A00000000L),
            entry("TDX_OPERAND_INVALID", 0xC000010000000000L),
            entry("TDX_OPERAND_ADDR_RANGE_ERROR", 0xC000010100000000L),
            entry("TDX_OPERAND_BUSY", 0x8000020000000000L),
            entry("TDX_PREVIOUS_TLB_EPOCH_BUSY", 0x8000020100000000L),
            entry("TDX_SYS_BUSY", 0x8000020200000000L),
            entry("TDX_RND_NO_ENTROPY", 0x8000020300000000L),
            entry("TDX_OPERAND_BUSY_HOST_PRIORITY", 0x8000020400000000L),
            entry("TDX_HOST_PRIORITY_BUSY_TIMEOUT", 0x9000020500000000L),
            entry("TDX_PAGE_METADATA_INCORRECT", 0xC000030000000000L),
            entry("TDX_PAGE_ALREADY_FREE", 0x0000030100000000L),
            entry("TDX_PAGE_NOT_OWNED_BY_TD", 0xC000030200000000L),
            entry("TDX_PAGE_NOT_FREE", 0xC000030300000000L),
            entry("TDX_TD_ASSOCIATED_PAGES_EXIST", 0xC000040000000000L),
            entry("TDX_SYS_INIT_NOT_PENDING", 0xC000050000000000L),
            entry("TDX_SYS_LP_INIT_NOT_DONE", 0xC000050200000000L),
            entry("TDX_SYS_LP_INIT_DONE", 0xC000050300000000L),
            entry("TDX_SYS_NOT_READY", 0xC000050500000000L),
            entry("TDX_SYS_SHUTDOWN", 0xC000050600000000L),
            entry("TDX_SYS_KEY_CONFIG_NOT_PENDING", 0xC000050700000000L),
            entry("TDX_SYS_STATE_INCORRECT", 0xC000050800000000L),
            entry("TDX_SYS_INVALID_HANDOFF", 0xC000050900000000L),
            entry("TDX_SYS_INCOMPATIBLE_SIGSTRUCT", 0xC000050A00000000L),
            entry("TDX_SYS_LP_INIT_NOT_PENDING", 0xC000050B00000000L),
            entry("TDX_SYS_CONFIG_NOT_PENDING", 0xC000050C00000000L),
            entry("TDX_INCOMPATIBLE_SEAM_CAPABILITIES", 0xC000050D00000000L),
            entry("TDX_TD_FATAL", 0xE000060400000000L),
            entry("TDX_TD_NON_DEBUG", 0xC000060500000000L),
            entry("TDX_TDCS_NOT_ALLOCATED", 0xC000060600000000L),
            entry("TDX_LIFECYCLE_STATE_INCORRECT", 0xC000060700000000L),
            entry("TDX_OP_STATE_INCORRECT", 0xC000060800000000L),
            entry("TDX_NO_VCPUS", 0xC000060900000000L),
            entry("TDX_TDCX_NUM_INCORRECT", 0xC000061000000000L),
            entry("TDX_VCPU_STATE_INCORRECT", 0xC000070000000000L),
            entry("TDX_VCPU_ASSOCIATED", 0x8000070100000000L),
            entry("TDX_VCPU_NOT_ASSOCIATED", 0x8000070200000000L),
            entry("TDX_NO_VALID_VE_INFO", 0xC000070400000000L),
            entry("TDX_MAX_VCPUS_EXCEEDED", 0xC000070500000000L),
            entry("TDX_TSC_ROLLBACK", 0xC000070600000000L),
            entry("TDX_TD_VMCS_FIELD_NOT_INITIALIZED", 0xC000073000000000L),
            entry("TD_VMCS_FIELD_ERROR", 0xC000073100000000L),
            entry("TDX_KEY_GENERATION_FAILED", 0x8000080000000000L),
            entry("TDX_TD_KEYS_NOT_CONFIGURED", 0x8000081000000000L),
            entry("TDX_KEY_STATE_INCORRECT", 0xC000081100000000L),
            entry("TDX_KEY_CONFIGURED", 0x0000081500000000L),
            entry("TDX_WBCACHE_NOT_COMPLETE", 0x8000081700000000L),
            entry("TDX_HKID_NOT_FREE", 0xC000082000000000L),
            entry("TDX_NO_HKID_READY_TO_WBCACHE", 0x0000082100000000L),
            entry("TDX_WBCACHE_RESUME_ERROR", 0xC000082300000000L),
            entry("TDX_FLUSHVP_NOT_DONE", 0x8000082400000000L),
            entry("TDX_NUM_ACTIVATED_HKIDS_NOT_SUPPORTED", 0xC000082500000000L),
            entry("TDX_INCORRECT_CPUID_VALUE", 0xC000090000000000L),
            entry("TDX_LIMIT_CPUID_MAXVAL_SET", 0xC000090100000000L),
            entry("TDX_INCONSISTENT_CPUID_FIELD", 0xC000090200000000L),
            entry("TDX_CPUID_MAX_SUBLEAVES_UNRECOGNIZED", 0xC000090300000000L),
            entry("TDX_CPUID_LEAF_1F_FORMAT_UNRECOGNIZED", 0xC000090400000000L),
            entry("TDX_INVALID_WBINVD_SCOPE", 0xC000090500000000L),
            entry("TDX_INVALID_PKG_ID", 0xC000090600000000L),
            entry("TDX_ENABLE_MONITOR_FSM_NOT_SET", 0xC000090700000000L),
            entry("TDX_CPUID_LEAF_NOT_SUPPORTED", 0xC000090800000000L),
            entry("TDX_SMRR_NOT_LOCKED", 0xC000091000000000L),
            entry("TDX_INVALID_SMRR_CONFIGURATION", 0xC000091100000000L),
            entry("TDX_SMRR_OVERLAPS_CMR", 0xC000091200000000L),
            entry("TDX_SMRR_LOCK_NOT_SUPPORTED", 0xC000091300000000L),
            entry("TDX_SMRR_NOT_SUPPORTED", 0xC000091400000000L),
            entry("TDX_INCONSISTENT_MSR", 0xC000092000000000L),
            entry("TDX_INCORRECT_MSR_VALUE", 0xC000092100000000L),
            entry("TDX_SEAMREPORT_NOT_AVAILABLE", 0xC000093000000000L),
            entry("TDX_SEAMDB_GETREF_NOT_AVAILABLE", 0xC000093100000000L),
            entry("TDX_SEAMDB_REPORT_NOT_AVAILABLE", 0xC000093200000000L),
            entry("TDX_SEAMVERIFYREPORT_NOT_AVAILABLE", 0xC000093300000000L),
            entry("TDX_INVALID_TDMR", 0xC0000A0000000000L),
            entry("TDX_NON_ORDERED_TDMR", 0xC0000A0100000000L),
            entry("TDX_TDMR_OUTSIDE_CMRS", 0xC0000A0200000000L),
            entry("TDX_TDMR_ALREADY_INITIALIZED", 0x00000A0300000000L),
            entry("TDX_INVALID_PAMT", 0xC0000A1000000000L),
            entry("TDX_PAMT_OUTSIDE_CMRS", 0xC0000A1100000000L),
            entry("TDX_PAMT_OVERLAP", 0xC0000A1200000000L),
            entry("TDX_INVALID_RESERVED_IN_TDMR", 0xC0000A2000000000L),
            entry("TDX_NON_ORDERED_RESERVED_IN_TDMR", 0xC0000A2100000000L),
            entry("TDX_CMR_LIST_INVALID", 0xC0000A2200000000L),
            entry("TDX_EPT_WALK_FAILED", 0xC0000B0000000000L),
            entry("TDX_EPT_ENTRY_FREE", 0xC0000B0100000000L),
            entry("TDX_EPT_ENTRY_NOT_FREE", 0xC0000B0200000000L),
            entry("TDX_EPT_ENTRY_NOT_PRESENT", 0xC0000B0300000000L),
            entry("TDX_EPT_ENTRY_NOT_LEAF", 0xC0000B0400000000L),
            entry("TDX_EPT_ENTRY_LEAF", 0xC0000B0500000000L),
            entry("TDX_GPA_RANGE_NOT_BLOCKED", 0xC0000B0600000000L),
            entry("TDX_GPA_RANGE_ALREADY_BLOCKED", 0x00000B0700000000L),
            entry("TDX_TLB_TRACKING_NOT_DONE", 0xC0000B0800000000L),
            entry("TDX_EPT_INVALID_PROMOTE_CONDITIONS", 0xC0000B0900000000L),
            entry("TDX_PAGE_ALREADY_ACCEPTED", 0x00000B0A00000000L),
            entry("TDX_PAGE_SIZE_MISMATCH", 0xC0000B0B00000000L),
            entry("TDX_GPA_RANGE_BLOCKED", 0xC0000B0C00000000L),
            entry("TDX_EPT_ENTRY_STATE_INCORRECT", 0xC0000B0D00000000L),
            entry("TDX_EPT_PAGE_NOT_FREE", 0xC0000B0E00000000L),
            entry("TDX_L2_SEPT_WALK_FAILED", 0xC0000B0F00000000L),
            entry("TDX_L2_SEPT_ENTRY_NOT_FREE", 0xC0000B1000000000L),
            entry("TDX_PAGE_ATTR_INVALID", 0xC0000B1100000000L),
            entry("TDX_L2_SEPT_PAGE_NOT_PROVIDED", 0xC0000B1200000000L),
            entry("TDX_METADATA_FIELD_ID_INCORRECT", 0xC0000C0000000000L),
            entry("TDX_METADATA_FIELD_NOT_WRITABLE", 0xC0000C0100000000L),
            entry("TDX_METADATA_FIELD_NOT_READABLE", 0xC0000C0200000000L),
            entry("TDX_METADATA_FIELD_VALUE_NOT_VALID", 0xC0000C0300000000L),
            entry("TDX_METADATA_LIST_OVERFLOW", 0xC0000C0400000000L),
            entry("TDX_INVALID_METADATA_LIST_HEADER", 0xC0000C0500000000L),
            entry("TDX_REQUIRED_METADATA_FIELD_MISSING", 0xC0000C0600000000L),
            entry("TDX_METADATA_ELEMENT_SIZE_INCORRECT", 0xC0000C0700000000L),
            entry("TDX_METADATA_LAST_ELEMENT_INCORRECT", 0xC0000C0800000000L),
            entry("TDX_METADATA_FIELD_CURRENTLY_NOT_WRITABLE", 0xC0000C0900000000L),
            entry("TDX_METADATA_WR_MASK_NOT_VALID", 0xC0000C0A00000000L),
            entry("TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT", 0x00000C0B00000000L),
            entry("TDX_METADATA_FIELD_SKIP", 0x00000C0C00000000L),
            entry("TDX_SERVTD_ALREADY_BOUND_FOR_TYPE", 0xC0000D0000000000L),
            entry("TDX_SERVTD_TYPE_MISMATCH", 0xC0000D0100000000L),
            entry("TDX_SERVTD_ATTR_MISMATCH", 0xC0000D0200000000L),
            entry("TDX_SERVTD_INFO_HASH_MISMATCH", 0xC0000D0300000000L),
            entry("TDX_SERVTD_UUID_MISMATCH", 0xC0000D0400000000L),
            entry("TDX_SERVTD_NOT_BOUND", 0xC0000D0500000000L),
            entry("TDX_SERVTD_BOUND", 0xC0000D0600000000L),
            entry("TDX_TARGET_UUID_MISMATCH", 0xC0000D0700000000L),
            entry("TDX_TARGET_UUID_UPDATED", 0xC0000D0800000000L),
            entry("TDX_INVALID_MBMD", 0xC0000E0000000000L),
            entry("TDX_INCORRECT_MBMD_MAC", 0xC0000E0100000000L),
            entry("TDX_NOT_WRITE_BLOCKED", 0xC0000E0200000000L),
            entry("TDX_ALREADY_WRITE_BLOCKED", 0x00000E0300000000L),
            entry("TDX_NOT_EXPORTED", 0xC0000E0400000000L),
            entry("TDX_MIGRATION_STREAM_STATE_INCORRECT", 0xC0000E0500000000L),
            entry("TDX_MAX_MIGS_NUM_EXCEEDED", 0xC0000E0600000000L),
            entry("TDX_EXPORTED_DIRTY_PAGES_REMAIN", 0xC0000E0700000000L),
            entry("TDX_MIGRATION_DECRYPTION_KEY_NOT_SET", 0xC0000E0800000000L),
            entry("TDX_TD_NOT_MIGRATABLE", 0xC0000E0900000000L),
            entry("TDX_PREVIOUS_EXPORT_CLEANUP_INCOMPLETE", 0xC0000E0A00000000L),
            entry("TDX_NUM_MIGS_HIGHER_THAN_CREATED", 0xC0000E0B00000000L),
            entry("TDX_IMPORT_MISMATCH", 0xC0000E0C00000000L),
            entry("TDX_MIGRATION_EPOCH_OVERFLOW", 0xC0000E0D00000000L),
            entry("TDX_MAX_EXPORTS_EXCEEDED", 0xC0000E0E00000000L),
            entry("TDX_INVALID_PAGE_MAC", 0xC0000E0F00000000L),
            entry("TDX_MIGRATED_IN_CURRENT_EPOCH", 0xC0000E1000000000L),
            entry("TDX_DISALLOWED_IMPORT_OVER_REMOVED", 0xC0000E1100000000L),
            entry("TDX_SOME_VCPUS_NOT_MIGRATED", 0xC0000E1200000000L),
            entry("TDX_ALL_VCPUS_IMPORTED", 0xC0000E1300000000L),
            entry("TDX_MIN_MIGS_NOT_CREATED", 0xC0000E1400000000L),
            entry("TDX_VCPU_ALREADY_EXPORTED", 0xC0000E1500000000L),
            entry("TDX_INVALID_MIGRATION_DECRYPTION_KEY", 0xC0000E1600000000L),
            entry("TDX_INVALID_CPUSVN", 0xC000100000000000L),
            entry("TDX_INVALID_REPORTMACSTRUCT", 0xC000100100000000L),
            entry("TDX_L2_EXIT_HOST_ROUTED_ASYNC", 0x0000110000000000L),
            entry("TDX_L2_EXIT_HOST_ROUTED_TDVMCALL", 0x0000110100000000L),
            entry("TDX_L2_EXIT_PENDING_INTERRUPT", 0x0000110200000000L),
            entry("TDX_PENDING_INTERRUPT", 0x0000112000000000L),
            entry("TDX_TD_EXIT_BEFORE_L2_ENTRY", 0x0000114000000000L),
            entry("TDX_TD_EXIT_ON_L2_VM_EXIT", 0x0000114100000000L),
            entry("TDX_TD_EXIT_ON_L2_TO_L1", 0x0000114200000000L),
            entry("TDX_GLA_NOT_CANONICAL", 0xC000116000000000L),
            entry("UNINITIALIZE_ERROR", 0xFFFFFFFFFFFFFFFFL));

    @Test
    void theTdx15TableHoldsEveryCodeOfTheReferenceWithItsValue() {
        assertEquals(166, TDX_1_5_01.size(), "codes in the 1.5.01 table, module-abi.md §1.4");
        TDX_1_5_01.forEach((name, value) -> {
            Optional<StatusCode> code = StatusCode.ofName(name, ModuleGeneration.TDX_1_5_01);
            assertTrue(code.isPresent(), name + " missing from the 1.5.01 table");
            assertEquals(value, code.get().value(), () -> String.format("%s is 0x%016X", name, value));
        });
    }

    @Test
    void theTdx15TableHoldsNothingTheReferenceDoesNotName() {
        Set<String> reference = TDX_1_5_01.keySet();
        Set<String> software = Set.of("TDX_SEAMCALL_VMFAILINVALID", "TDX_SEAMCALL_GP", "TDX_SEAMCALL_UD");
        Set<String> extra = Stream.of(StatusCode.values())
                .filter(c -> c.existsIn(ModuleGeneration.TDX_1_5_01))
                .map(StatusCode::architecturalName)
                .filter(n -> !reference.contains(n) && !software.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), extra);
    }

    @Test
    void laterTablesAddTheCodesTheReferenceLists() {
        assertEquals(0xC000062100000000L, StatusCode.TDX_X2APIC_ID_NOT_UNIQUE.value());
        assertFalse(StatusCode.TDX_X2APIC_ID_NOT_UNIQUE.existsIn(ModuleGeneration.TDX_1_5_01));
        assertTrue(StatusCode.TDX_X2APIC_ID_NOT_UNIQUE.existsIn(ModuleGeneration.TDX_1_5_05));
        assertTrue(StatusCode.TDX_X2APIC_ID_NOT_UNIQUE.existsIn(ModuleGeneration.TDX_2));
        assertEquals(0xC000051100000000L, StatusCode.TDX_CRYPTO_SELF_TEST_FAILED.value());
        assertEquals(0xC000070700000000L, StatusCode.TDX_INTERRUPTIBILITY_BLOCKED.value());
        assertEquals(0xC0000C0D00000000L, StatusCode.TDX_VIRTUAL_MSR_VALUE_NOT_VALID.value());
        for (StatusCode c : new StatusCode[] {StatusCode.TDX_CRYPTO_SELF_TEST_FAILED,
                StatusCode.TDX_INTERRUPTIBILITY_BLOCKED, StatusCode.TDX_VIRTUAL_MSR_VALUE_NOT_VALID}) {
            assertEquals(Set.of(ModuleGeneration.TDX_2), c.generations(), c.name());
        }
    }

    @Test
    void theTdx10TableDiffersWhereTheReferenceSaysItDoes() {
        ModuleGeneration v10 = ModuleGeneration.TDX_1_0;
        assertEquals(0x4000000200000000L, StatusCode.ofName("TDX_NON_RECOVERABLE_TD", v10).orElseThrow().value());
        assertEquals(0x6000000200000000L,
                StatusCode.ofName("TDX_NON_RECOVERABLE_TD", ModuleGeneration.TDX_1_5_01).orElseThrow().value());
        assertEquals(StatusCode.TDX_BOOT_NT4_SET, StatusCode.of(0xC000090100000000L, v10).orElseThrow());
        assertEquals(StatusCode.TDX_LIMIT_CPUID_MAXVAL_SET,
                StatusCode.of(0xC000090100000000L, ModuleGeneration.TDX_1_5_01).orElseThrow());
        assertEquals(Optional.empty(), StatusCode.ofName("TDX_RND_NO_ENTROPY", v10));
        assertTrue(Stream.of(StatusCode.values()).filter(c -> c.existsIn(v10))
                .noneMatch(c -> (c.value() >>> 40 & 0xFF) == StatusClass.METADATA.code()), "no metadata class in 1.0");
        assertEquals(0xC000072000000000L, StatusCode.ofName("TDX_FIELD_NOT_WRITABLE", v10).orElseThrow().value());
        assertEquals(0xC000072100000000L, StatusCode.ofName("TDX_FIELD_NOT_READABLE", v10).orElseThrow().value());
    }

    @Test
    void theInitLeavesCodesAreTheSameInEveryGeneration() {
        // module-abi.md §1.4: all class-05/08/0A codes used by the init leaves are identical.
        for (StatusCode c : StatusCode.values()) {
            int cls = (int) (c.value() >>> 40 & 0xFF);
            if (c.detailForm() != DetailForm.EXACT && (cls == 0x05 || cls == 0x08 || cls == 0x0A)
                    && c.existsIn(ModuleGeneration.TDX_1_0)) {
                assertTrue(c.existsIn(ModuleGeneration.TDX_1_5_01) && c.existsIn(ModuleGeneration.TDX_2), c.name());
            }
        }
    }

    @Test
    void theKernelSoftwareCodesAreWholeValues() {
        assertEquals(0x8000FF00FFFF0000L, StatusCode.TDX_SEAMCALL_VMFAILINVALID.value());
        assertEquals(0x8000FF000000000DL, StatusCode.TDX_SEAMCALL_GP.value());
        assertEquals(0x8000FF0000000006L, StatusCode.TDX_SEAMCALL_UD.value());
        assertEquals(StatusCode.TDX_SEAMCALL_GP, StatusCode.of(0x8000FF000000000DL).orElseThrow());
        assertTrue(StatusCode.TDX_SEAMCALL_UD.matches(0x8000FF0000000006L));
        assertFalse(StatusCode.TDX_SEAMCALL_UD.matches(0x8000FF000000000DL));
        assertEquals(Optional.empty(), StatusCode.of(0x8000FF0000000007L));
    }

    @Test
    void aCodeMatchesAStatusWhateverItsDetailsAsTheKernelCompares() {
        assertTrue(StatusCode.TDX_OPERAND_INVALID.matches(0xC000010000000045L));
        assertFalse(StatusCode.TDX_OPERAND_INVALID.matches(0xC000010100000000L));
        assertEquals(StatusCode.TDX_PAMT_OVERLAP, StatusCode.of(0xC0000A1200050102L).orElseThrow());
    }

    @Test
    void informationalCodesHaveBit63Clear() {
        assertFalse(StatusCode.TDX_KEY_CONFIGURED.isError());
        assertFalse(StatusCode.TDX_TDMR_ALREADY_INITIALIZED.isError());
        assertFalse(StatusCode.TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT.isError());
        assertTrue(StatusCode.TDX_SYS_BUSY.isError());
    }

    @Test
    void everyModuleCodeIsInAKnownClass() {
        for (StatusCode c : StatusCode.values()) {
            if (c.detailForm() != DetailForm.EXACT) {
                assertTrue(StatusClass.ofCode((int) (c.value() >>> 40 & 0xFF)).isPresent(), c.name());
                assertEquals(0, c.value() & StatusCode.DETAILS_MASK, c.name());
            }
        }
    }
}
