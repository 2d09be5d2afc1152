package org.tdxemu.seamcall.status;

import static org.tdxemu.seamcall.status.DetailForm.CPUID_LEAF;
import static org.tdxemu.seamcall.status.DetailForm.EXACT;
import static org.tdxemu.seamcall.status.DetailForm.HKID_LIMIT;
import static org.tdxemu.seamcall.status.DetailForm.MSR;
import static org.tdxemu.seamcall.status.DetailForm.OPERAND;
import static org.tdxemu.seamcall.status.DetailForm.PACKAGE;
import static org.tdxemu.seamcall.status.DetailForm.SMRR;
import static org.tdxemu.seamcall.status.DetailForm.SMRR_CMR;
import static org.tdxemu.seamcall.status.DetailForm.TDMR;
import static org.tdxemu.seamcall.status.DetailForm.TDMR_PAMT;
import static org.tdxemu.seamcall.status.DetailForm.TDMR_PAMT_OTHER_TDMR;
import static org.tdxemu.seamcall.status.DetailForm.TDMR_RESERVED_AREA;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every named completion status (module-abi.md §1.4) with the module releases whose table holds
 * it, plus the kernel's software codes (kernel-init.md §2.6). A status returned by a SEAMCALL is
 * one of these values plus details in bits 31:0, built by {@link Statuses}.
 *
 * <p>The TDX 1.0 rows were read from the 1.0 source's own table: it lacks many 1.5 codes, has a
 * few of its own, and gives three names other values. Those three are the constants ending in
 * {@code _V1_0}; their {@link #architecturalName()} drops the suffix.
 */
public enum StatusCode {
    TDX_SUCCESS(0x0000000000000000L, Gen.ALL),
    TDX_NON_RECOVERABLE_VCPU(0x4000000100000000L, Gen.ALL),
    TDX_NON_RECOVERABLE_TD(0x6000000200000000L, Gen.SINCE_1_5),
    TDX_NON_RECOVERABLE_TD_V1_0(0x4000000200000000L, Gen.ONLY_1_0),
    TDX_INTERRUPTED_RESUMABLE(0x8000000300000000L, Gen.ALL),
    TDX_INTERRUPTED_RESTARTABLE(0x8000000400000000L, Gen.ALL),
    TDX_NON_RECOVERABLE_TD_NON_ACCESSIBLE(0x6000000500000000L, Gen.SINCE_1_5),
    TDX_NON_RECOVERABLE_TD_FATAL(0x4000000500000000L, Gen.ONLY_1_0),
    TDX_INVALID_RESUMPTION(0xC000000600000000L, Gen.ALL),
    TDX_NON_RECOVERABLE_TD_WRONG_APIC_MODE(0xE000000700000000L, Gen.SINCE_1_5),
    TDX_NON_RECOVERABLE_TD_WRONG_APIC_MODE_V1_0(0xC000000700000000L, Gen.ONLY_1_0),
    TDX_CROSS_TD_FAULT(0x8000000800000000L, Gen.SINCE_1_5),
    TDX_CROSS_TD_TRAP(0x9000000900000000L, Gen.SINCE_1_5),
    TDX_NON_RECOVERABLE_TD_CORRUPTED_MD(0x6000000A00000000L, Gen.SINCE_1_5),

    TDX_OPERAND_INVALID(0xC000010000000000L, Gen.ALL),
    TDX_OPERAND_ADDR_RANGE_ERROR(0xC000010100000000L, Gen.ALL),

    TDX_OPERAND_BUSY(0x8000020000000000L, Gen.ALL),
    TDX_PREVIOUS_TLB_EPOCH_BUSY(0x8000020100000000L, Gen.ALL),
    TDX_SYS_BUSY(0x8000020200000000L, Gen.ALL),
    TDX_RND_NO_ENTROPY(0x8000020300000000L, Gen.SINCE_1_5),
    TDX_OPERAND_BUSY_HOST_PRIORITY(0x8000020400000000L, Gen.SINCE_1_5),
    TDX_HOST_PRIORITY_BUSY_TIMEOUT(0x9000020500000000L, Gen.SINCE_1_5),

    TDX_PAGE_METADATA_INCORRECT(0xC000030000000000L, Gen.ALL),
    TDX_PAGE_ALREADY_FREE(0x0000030100000000L, Gen.ALL),
    TDX_PAGE_NOT_OWNED_BY_TD(0xC000030200000000L, Gen.ALL),
    TDX_PAGE_NOT_FREE(0xC000030300000000L, Gen.ALL),

    TDX_TD_ASSOCIATED_PAGES_EXIST(0xC000040000000000L, Gen.ALL),

    TDX_SYS_INIT_NOT_PENDING(0xC000050000000000L, Gen.ALL),
    TDX_SYS_LP_INIT_NOT_DONE(0xC000050200000000L, Gen.ALL),
    TDX_SYS_LP_INIT_DONE(0xC000050300000000L, Gen.ALL),
    TDX_SYS_NOT_READY(0xC000050500000000L, Gen.ALL),
    TDX_SYS_SHUTDOWN(0xC000050600000000L, Gen.ALL),
    TDX_SYS_KEY_CONFIG_NOT_PENDING(0xC000050700000000L, Gen.ALL),
    TDX_SYS_STATE_INCORRECT(0xC000050800000000L, Gen.SINCE_1_5),
    TDX_SYS_INVALID_HANDOFF(0xC000050900000000L, Gen.SINCE_1_5),
    TDX_SYS_INCOMPATIBLE_SIGSTRUCT(0xC000050A00000000L, Gen.SINCE_1_5),
    TDX_SYS_LP_INIT_NOT_PENDING(0xC000050B00000000L, Gen.ALL),
    TDX_SYS_CONFIG_NOT_PENDING(0xC000050C00000000L, Gen.ALL),
    TDX_INCOMPATIBLE_SEAM_CAPABILITIES(0xC000050D00000000L, Gen.SINCE_1_5),
    TDX_CRYPTO_SELF_TEST_FAILED(0xC000051100000000L, Gen.ONLY_2),

    TDX_TD_NOT_INITIALIZED(0xC000060000000000L, Gen.ONLY_1_0),
    TDX_TD_INITIALIZED(0xC000060100000000L, Gen.ONLY_1_0),
    TDX_TD_NOT_FINALIZED(0xC000060200000000L, Gen.ONLY_1_0),
    TDX_TD_FINALIZED(0xC000060300000000L, Gen.ONLY_1_0),
    TDX_TD_FATAL(0xE000060400000000L, Gen.SINCE_1_5),
    TDX_TD_FATAL_V1_0(0xC000060400000000L, Gen.ONLY_1_0),
    TDX_TD_NON_DEBUG(0xC000060500000000L, Gen.ALL),
    TDX_TDCS_NOT_ALLOCATED(0xC000060600000000L, Gen.SINCE_1_5),
    TDX_LIFECYCLE_STATE_INCORRECT(0xC000060700000000L, Gen.ALL),
    TDX_OP_STATE_INCORRECT(0xC000060800000000L, Gen.SINCE_1_5),
    TDX_NO_VCPUS(0xC000060900000000L, Gen.SINCE_1_5),
    TDX_TDCX_NUM_INCORRECT(0xC000061000000000L, Gen.ALL),
    TDX_X2APIC_ID_NOT_UNIQUE(0xC000062100000000L, Gen.SINCE_1_5_05),

    TDX_VCPU_STATE_INCORRECT(0xC000070000000000L, Gen.ALL),
    TDX_VCPU_ASSOCIATED(0x8000070100000000L, Gen.ALL),
    TDX_VCPU_NOT_ASSOCIATED(0x8000070200000000L, Gen.ALL),
    TDX_TDVPX_NUM_INCORRECT(0xC000070300000000L, Gen.ONLY_1_0),
    TDX_NO_VALID_VE_INFO(0xC000070400000000L, Gen.ALL),
    TDX_MAX_VCPUS_EXCEEDED(0xC000070500000000L, Gen.ALL),
    TDX_TSC_ROLLBACK(0xC000070600000000L, Gen.ALL),
    TDX_INTERRUPTIBILITY_BLOCKED(0xC000070700000000L, Gen.ONLY_2),
    TDX_FIELD_NOT_WRITABLE(0xC000072000000000L, Gen.ONLY_1_0),
    TDX_FIELD_NOT_READABLE(0xC000072100000000L, Gen.ONLY_1_0),
    TDX_TD_VMCS_FIELD_NOT_INITIALIZED(0xC000073000000000L, Gen.ALL),
    /** Spelled without the TDX_ prefix in the module's table. */
    TD_VMCS_FIELD_ERROR(0xC000073100000000L, Gen.SINCE_1_5),

    TDX_KEY_GENERATION_FAILED(0x8000080000000000L, Gen.ALL),
    TDX_TD_KEYS_NOT_CONFIGURED(0x8000081000000000L, Gen.ALL),
    TDX_KEY_STATE_INCORRECT(0xC000081100000000L, Gen.ALL),
    TDX_KEY_CONFIGURED(0x0000081500000000L, Gen.ALL),
    TDX_WBCACHE_NOT_COMPLETE(0x8000081700000000L, Gen.ALL),
    TDX_HKID_NOT_FREE(0xC000082000000000L, Gen.ALL),
    TDX_NO_HKID_READY_TO_WBCACHE(0x0000082100000000L, Gen.ALL),
    TDX_WBCACHE_RESUME_ERROR(0xC000082300000000L, Gen.ALL),
    TDX_FLUSHVP_NOT_DONE(0x8000082400000000L, Gen.ALL),
    TDX_NUM_ACTIVATED_HKIDS_NOT_SUPPORTED(0xC000082500000000L, Gen.ALL, HKID_LIMIT),

    TDX_INCORRECT_CPUID_VALUE(0xC000090000000000L, Gen.ALL),
    TDX_LIMIT_CPUID_MAXVAL_SET(0xC000090100000000L, Gen.SINCE_1_5),
    TDX_BOOT_NT4_SET(0xC000090100000000L, Gen.ONLY_1_0),
    TDX_INCONSISTENT_CPUID_FIELD(0xC000090200000000L, Gen.ALL),
    TDX_CPUID_MAX_SUBLEAVES_UNRECOGNIZED(0xC000090300000000L, Gen.ALL),
    TDX_CPUID_LEAF_1F_FORMAT_UNRECOGNIZED(0xC000090400000000L, Gen.ALL),
    TDX_INVALID_WBINVD_SCOPE(0xC000090500000000L, Gen.ALL),
    TDX_INVALID_PKG_ID(0xC000090600000000L, Gen.ALL, PACKAGE),
    TDX_ENABLE_MONITOR_FSM_NOT_SET(0xC000090700000000L, Gen.SINCE_1_5),
    TDX_CPUID_LEAF_NOT_SUPPORTED(0xC000090800000000L, Gen.ALL, CPUID_LEAF),
    TDX_SMRR_NOT_LOCKED(0xC000091000000000L, Gen.ALL, SMRR),
    TDX_INVALID_SMRR_CONFIGURATION(0xC000091100000000L, Gen.ALL, SMRR),
    TDX_SMRR_OVERLAPS_CMR(0xC000091200000000L, Gen.ALL, SMRR_CMR),
    TDX_SMRR_LOCK_NOT_SUPPORTED(0xC000091300000000L, Gen.ALL),
    TDX_SMRR_NOT_SUPPORTED(0xC000091400000000L, Gen.ALL),
    TDX_INCONSISTENT_MSR(0xC000092000000000L, Gen.ALL, MSR),
    TDX_INCORRECT_MSR_VALUE(0xC000092100000000L, Gen.ALL, MSR),
    TDX_SEAMREPORT_NOT_AVAILABLE(0xC000093000000000L, Gen.ALL),
    TDX_SEAMDB_GETREF_NOT_AVAILABLE(0xC000093100000000L, Gen.SINCE_1_5),
    TDX_SEAMDB_REPORT_NOT_AVAILABLE(0xC000093200000000L, Gen.SINCE_1_5),
    TDX_SEAMVERIFYREPORT_NOT_AVAILABLE(0xC000093300000000L, Gen.SINCE_1_5),

    TDX_INVALID_TDMR(0xC0000A0000000000L, Gen.ALL, TDMR),
    TDX_NON_ORDERED_TDMR(0xC0000A0100000000L, Gen.ALL, TDMR),
    TDX_TDMR_OUTSIDE_CMRS(0xC0000A0200000000L, Gen.ALL, TDMR),
    TDX_TDMR_ALREADY_INITIALIZED(0x00000A0300000000L, Gen.ALL),
    TDX_INVALID_PAMT(0xC0000A1000000000L, Gen.ALL, TDMR_PAMT),
    TDX_PAMT_OUTSIDE_CMRS(0xC0000A1100000000L, Gen.ALL, TDMR_PAMT),
    TDX_PAMT_OVERLAP(0xC0000A1200000000L, Gen.ALL, TDMR_PAMT_OTHER_TDMR),
    TDX_INVALID_RESERVED_IN_TDMR(0xC0000A2000000000L, Gen.ALL, TDMR_RESERVED_AREA),
    TDX_NON_ORDERED_RESERVED_IN_TDMR(0xC0000A2100000000L, Gen.ALL, TDMR_RESERVED_AREA),
    TDX_CMR_LIST_INVALID(0xC0000A2200000000L, Gen.ALL),

    TDX_EPT_WALK_FAILED(0xC0000B0000000000L, Gen.ALL),
    TDX_EPT_ENTRY_FREE(0xC0000B0100000000L, Gen.ALL),
    TDX_EPT_ENTRY_NOT_FREE(0xC0000B0200000000L, Gen.ALL),
    TDX_EPT_ENTRY_NOT_PRESENT(0xC0000B0300000000L, Gen.ALL),
    TDX_EPT_ENTRY_NOT_LEAF(0xC0000B0400000000L, Gen.ALL),
    TDX_EPT_ENTRY_LEAF(0xC0000B0500000000L, Gen.ALL),
    TDX_GPA_RANGE_NOT_BLOCKED(0xC0000B0600000000L, Gen.ALL),
    TDX_GPA_RANGE_ALREADY_BLOCKED(0x00000B0700000000L, Gen.ALL),
    TDX_TLB_TRACKING_NOT_DONE(0xC0000B0800000000L, Gen.ALL),
    TDX_EPT_INVALID_PROMOTE_CONDITIONS(0xC0000B0900000000L, Gen.ALL),
    TDX_PAGE_ALREADY_ACCEPTED(0x00000B0A00000000L, Gen.ALL),
    TDX_PAGE_SIZE_MISMATCH(0xC0000B0B00000000L, Gen.ALL),
    TDX_GPA_RANGE_BLOCKED(0xC0000B0C00000000L, Gen.SINCE_1_5),
    TDX_EPT_ENTRY_STATE_INCORRECT(0xC0000B0D00000000L, Gen.SINCE_1_5),
    TDX_EPT_PAGE_NOT_FREE(0xC0000B0E00000000L, Gen.SINCE_1_5),
    TDX_L2_SEPT_WALK_FAILED(0xC0000B0F00000000L, Gen.SINCE_1_5),
    TDX_L2_SEPT_ENTRY_NOT_FREE(0xC0000B1000000000L, Gen.SINCE_1_5),
    TDX_PAGE_ATTR_INVALID(0xC0000B1100000000L, Gen.SINCE_1_5),
    TDX_L2_SEPT_PAGE_NOT_PROVIDED(0xC0000B1200000000L, Gen.SINCE_1_5),

    TDX_METADATA_FIELD_ID_INCORRECT(0xC0000C0000000000L, Gen.SINCE_1_5),
    TDX_METADATA_FIELD_NOT_WRITABLE(0xC0000C0100000000L, Gen.SINCE_1_5),
    TDX_METADATA_FIELD_NOT_READABLE(0xC0000C0200000000L, Gen.SINCE_1_5),
    TDX_METADATA_FIELD_VALUE_NOT_VALID(0xC0000C0300000000L, Gen.SINCE_1_5),
    TDX_METADATA_LIST_OVERFLOW(0xC0000C0400000000L, Gen.SINCE_1_5),
    TDX_INVALID_METADATA_LIST_HEADER(0xC0000C0500000000L, Gen.SINCE_1_5),
    TDX_REQUIRED_METADATA_FIELD_MISSING(0xC0000C0600000000L, Gen.SINCE_1_5),
    TDX_METADATA_ELEMENT_SIZE_INCORRECT(0xC0000C0700000000L, Gen.SINCE_1_5),
    TDX_METADATA_LAST_ELEMENT_INCORRECT(0xC0000C0800000000L, Gen.SINCE_1_5),
    TDX_METADATA_FIELD_CURRENTLY_NOT_WRITABLE(0xC0000C0900000000L, Gen.SINCE_1_5),
    TDX_METADATA_WR_MASK_NOT_VALID(0xC0000C0A00000000L, Gen.SINCE_1_5),
    TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT(0x00000C0B00000000L, Gen.SINCE_1_5),
    TDX_METADATA_FIELD_SKIP(0x00000C0C00000000L, Gen.SINCE_1_5),
    TDX_VIRTUAL_MSR_VALUE_NOT_VALID(0xC0000C0D00000000L, Gen.ONLY_2),

    TDX_SERVTD_ALREADY_BOUND_FOR_TYPE(0xC0000D0000000000L, Gen.SINCE_1_5),
    TDX_SERVTD_TYPE_MISMATCH(0xC0000D0100000000L, Gen.SINCE_1_5),
    TDX_SERVTD_ATTR_MISMATCH(0xC0000D0200000000L, Gen.SINCE_1_5),
    TDX_SERVTD_INFO_HASH_MISMATCH(0xC0000D0300000000L, Gen.SINCE_1_5),
    TDX_SERVTD_UUID_MISMATCH(0xC0000D0400000000L, Gen.SINCE_1_5),
    TDX_SERVTD_NOT_BOUND(0xC0000D0500000000L, Gen.SINCE_1_5),
    TDX_SERVTD_BOUND(0xC0000D0600000000L, Gen.SINCE_1_5),
    TDX_TARGET_UUID_MISMATCH(0xC0000D0700000000L, Gen.SINCE_1_5),
    TDX_TARGET_UUID_UPDATED(0xC0000D0800000000L, Gen.SINCE_1_5),

    TDX_INVALID_MBMD(0xC0000E0000000000L, Gen.SINCE_1_5),
    TDX_INCORRECT_MBMD_MAC(0xC0000E0100000000L, Gen.SINCE_1_5),
    TDX_NOT_WRITE_BLOCKED(0xC0000E0200000000L, Gen.SINCE_1_5),
    TDX_ALREADY_WRITE_BLOCKED(0x00000E0300000000L, Gen.SINCE_1_5),
    TDX_NOT_EXPORTED(0xC0000E0400000000L, Gen.SINCE_1_5),
    TDX_MIGRATION_STREAM_STATE_INCORRECT(0xC0000E0500000000L, Gen.SINCE_1_5),
    TDX_MAX_MIGS_NUM_EXCEEDED(0xC0000E0600000000L, Gen.SINCE_1_5),
    TDX_EXPORTED_DIRTY_PAGES_REMAIN(0xC0000E0700000000L, Gen.SINCE_1_5),
    TDX_MIGRATION_DECRYPTION_KEY_NOT_SET(0xC0000E0800000000L, Gen.SINCE_1_5),
    TDX_TD_NOT_MIGRATABLE(0xC0000E0900000000L, Gen.SINCE_1_5),
    TDX_PREVIOUS_EXPORT_CLEANUP_INCOMPLETE(0xC0000E0A00000000L, Gen.SINCE_1_5),
    TDX_NUM_MIGS_HIGHER_THAN_CREATED(0xC0000E0B00000000L, Gen.SINCE_1_5),
    TDX_IMPORT_MISMATCH(0xC0000E0C00000000L, Gen.SINCE_1_5),
    TDX_MIGRATION_EPOCH_OVERFLOW(0xC0000E0D00000000L, Gen.SINCE_1_5),
    TDX_MAX_EXPORTS_EXCEEDED(0xC0000E0E00000000L, Gen.SINCE_1_5),
    TDX_INVALID_PAGE_MAC(0xC0000E0F00000000L, Gen.SINCE_1_5),
    TDX_MIGRATED_IN_CURRENT_EPOCH(0xC0000E1000000000L, Gen.SINCE_1_5),
    TDX_DISALLOWED_IMPORT_OVER_REMOVED(0xC0000E1100000000L, Gen.SINCE_1_5),
    TDX_SOME_VCPUS_NOT_MIGRATED(0xC0000E1200000000L, Gen.SINCE_1_5),
    TDX_ALL_VCPUS_IMPORTED(0xC0000E1300000000L, Gen.SINCE_1_5),
    TDX_MIN_MIGS_NOT_CREATED(0xC0000E1400000000L, Gen.SINCE_1_5),
    TDX_VCPU_ALREADY_EXPORTED(0xC0000E1500000000L, Gen.SINCE_1_5),
    TDX_INVALID_MIGRATION_DECRYPTION_KEY(0xC0000E1600000000L, Gen.SINCE_1_5),

    TDX_INVALID_CPUSVN(0xC000100000000000L, Gen.SINCE_1_5),
    TDX_INVALID_REPORTMACSTRUCT(0xC000100100000000L, Gen.SINCE_1_5),

    TDX_L2_EXIT_HOST_ROUTED_ASYNC(0x0000110000000000L, Gen.SINCE_1_5),
    TDX_L2_EXIT_HOST_ROUTED_TDVMCALL(0x0000110100000000L, Gen.SINCE_1_5),
    TDX_L2_EXIT_PENDING_INTERRUPT(0x0000110200000000L, Gen.SINCE_1_5),
    TDX_PENDING_INTERRUPT(0x0000112000000000L, Gen.SINCE_1_5),
    TDX_TD_EXIT_BEFORE_L2_ENTRY(0x0000114000000000L, Gen.SINCE_1_5),
    TDX_TD_EXIT_ON_L2_VM_EXIT(0x0000114100000000L, Gen.SINCE_1_5),
    TDX_TD_EXIT_ON_L2_TO_L1(0x0000114200000000L, Gen.SINCE_1_5),
    TDX_GLA_NOT_CANONICAL(0xC000116000000000L, Gen.SINCE_1_5),

    /** The module's internal "not yet set" sentinel. */
    UNINITIALIZE_ERROR(0xFFFFFFFFFFFFFFFFL, Gen.ALL, EXACT),

    /** The SEAMCALL VM-failed: no module is loaded. */
    TDX_SEAMCALL_VMFAILINVALID(0x8000FF00FFFF0000L, Gen.ALL, EXACT),
    /** The SEAMCALL instruction raised #GP (TDX_SW_ERROR | X86_TRAP_GP). */
    TDX_SEAMCALL_GP(0x8000FF000000000DL, Gen.ALL, EXACT),
    /** The SEAMCALL instruction raised #UD: the CPU is not in VMX operation (TDX_SW_ERROR | X86_TRAP_UD). */
    TDX_SEAMCALL_UD(0x8000FF0000000006L, Gen.ALL, EXACT);

    /** The kernel compares statuses under this mask: the base code without its details. */
    public static final long STATUS_MASK = 0xFFFF_FFFF_0000_0000L;
    public static final long DETAILS_MASK = 0x0000_0000_FFFF_FFFFL;
    /** The newest table; names and values are looked up here unless a generation is given. */
    public static final ModuleGeneration DEFAULT_GENERATION = ModuleGeneration.TDX_1_5_05;

    private static final String V1_0_SUFFIX = "_V1_0";

    private final long value;
    private final Set<ModuleGeneration> generations;
    private final DetailForm detailForm;

    StatusCode(long value, Set<ModuleGeneration> generations) {
        this(value, generations, OPERAND);
    }

    StatusCode(long value, Set<ModuleGeneration> generations, DetailForm detailForm) {
        this.value = value;
        this.generations = generations;
        this.detailForm = detailForm;
    }

    /** The status value with zero details (for {@link DetailForm#EXACT} codes, the whole value). */
    public long value() {
        return value;
    }

    /** The name as the module's or the kernel's table spells it. */
    public String architecturalName() {
        String n = name();
        return n.endsWith(V1_0_SUFFIX) ? n.substring(0, n.length() - V1_0_SUFFIX.length()) : n;
    }

    public DetailForm detailForm() {
        return detailForm;
    }

    public Set<ModuleGeneration> generations() {
        return generations;
    }

    public boolean existsIn(ModuleGeneration generation) {
        return generations.contains(generation);
    }

    /** Bit 63: a failure. Codes with it clear are informational, though non-zero. */
    public boolean isError() {
        return value < 0;
    }

    /** Whether {@code status} is this code, whatever its details, as the kernel compares them. */
    public boolean matches(long status) {
        return detailForm == EXACT ? status == value : (status & STATUS_MASK) == value;
    }

    /** The code a status carries in the given generation's table, if that table names it. */
    public static Optional<StatusCode> of(long status, ModuleGeneration generation) {
        StatusCode exact = Tables.EXACT.get(status);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(Tables.BY_VALUE.get(generation).get(status & STATUS_MASK));
    }

    /** The code a status carries in the newest table; failing that, in any older table. */
    public static Optional<StatusCode> of(long status) {
        return newestFirst(g -> of(status, g));
    }

    /** Looks a status up by its architectural name in the given generation's table. */
    public static Optional<StatusCode> ofName(String name, ModuleGeneration generation) {
        return Optional.ofNullable(Tables.BY_NAME.get(generation).get(name));
    }

    /** Looks a status up by name in the newest table; failing that, in any older table. */
    public static Optional<StatusCode> ofName(String name) {
        return newestFirst(g -> ofName(name, g));
    }

    private static Optional<StatusCode> newestFirst(Function<ModuleGeneration, Optional<StatusCode>> lookup) {
        return lookup.apply(DEFAULT_GENERATION).or(() -> Stream.of(ModuleGeneration.values())
                .map(lookup).flatMap(Optional::stream).findFirst());
    }

    /** Generation sets, in a holder so that the constants above can name them. */
    private static final class Gen {
        static final Set<ModuleGeneration> ALL = Collections.unmodifiableSet(EnumSet.allOf(ModuleGeneration.class));
        static final Set<ModuleGeneration> SINCE_1_5 = Collections.unmodifiableSet(EnumSet.of(
                ModuleGeneration.TDX_1_5_01, ModuleGeneration.TDX_1_5_05, ModuleGeneration.TDX_2));
        static final Set<ModuleGeneration> SINCE_1_5_05 = Collections.unmodifiableSet(EnumSet.of(
                ModuleGeneration.TDX_1_5_05, ModuleGeneration.TDX_2));
        static final Set<ModuleGeneration> ONLY_2 = Collections.unmodifiableSet(EnumSet.of(ModuleGeneration.TDX_2));
        static final Set<ModuleGeneration> ONLY_1_0 = Collections.unmodifiableSet(EnumSet.of(ModuleGeneration.TDX_1_0));
    }

    private static final class Tables {
        static final Map<Long, StatusCode> EXACT = new HashMap<>();
        static final Map<ModuleGeneration, Map<Long, StatusCode>> BY_VALUE = new EnumMap<>(ModuleGeneration.class);
        static final Map<ModuleGeneration, Map<String, StatusCode>> BY_NAME = new EnumMap<>(ModuleGeneration.class);

        static {
            for (ModuleGeneration g : ModuleGeneration.values()) {
                BY_VALUE.put(g, new HashMap<>());
                BY_NAME.put(g, new HashMap<>());
            }
            for (StatusCode code : StatusCode.values()) {
                if (code.detailForm == DetailForm.EXACT) {
                    putUnique(EXACT, code.value, code);
                }
                for (ModuleGeneration g : code.generations) {
                    if (code.detailForm != DetailForm.EXACT) {
                        putUnique(BY_VALUE.get(g), code.value, code);
                    }
                    putUnique(BY_NAME.get(g), code.architecturalName(), code);
                }
            }
        }

        private static <K> void putUnique(Map<K, StatusCode> map, K key, StatusCode code) {
            StatusCode previous = map.put(key, code);
            if (previous != null) {
                throw new IllegalStateException("status table clash: " + previous + " and " + code + " at " + key);
            }
        }
    }
}
