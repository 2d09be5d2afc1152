package org.tdxemu.scenarios.campaign;

import static org.tdxemu.seamcall.status.StatusCode.*;

import java.util.ArrayList;
import java.util.List;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.status.Operand;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * The statuses each initialization leaf can return, leaf by leaf as module-abi.md §4 lists them,
 * plus what the dispatcher answers any leaf (§1.2, §3) and the kernel's three software codes.
 * Statuses that carry details carry plausible ones (TDMR 0, the MSR the field reports name).
 */
public final class LeafStatuses {

    private LeafStatuses() {
    }

    /** The runs a campaign makes of {@code calls}: each call with each status of its leaf. */
    public static int runs(List<CallSite> calls) {
        return calls.stream().mapToInt(call -> of(call.leaf()).size()).sum();
    }

    public static List<Long> of(Leaf leaf) {
        List<Long> statuses = new ArrayList<>(switch (leaf) {
            case TDH_SYS_INIT -> List.of(TDX_SYS_BUSY.value(), Statuses.operandInvalid(Gpr.RCX),
                    TDX_SYS_INIT_NOT_PENDING.value(), Statuses.msr(TDX_INCORRECT_MSR_VALUE, 0x122),
                    TDX_LIMIT_CPUID_MAXVAL_SET.value(), Statuses.cpuidLeafNotSupported(0x1F),
                    TDX_INCORRECT_CPUID_VALUE.value(), TDX_CPUID_LEAF_1F_FORMAT_UNRECOGNIZED.value(),
                    TDX_INVALID_WBINVD_SCOPE.value(), Statuses.numActivatedHkidsNotSupported(2048),
                    TDX_CMR_LIST_INVALID.value(), TDX_SMRR_NOT_SUPPORTED.value(), TDX_SMRR_LOCK_NOT_SUPPORTED.value(),
                    Statuses.smrr(TDX_SMRR_NOT_LOCKED, 0), Statuses.smrr(TDX_INVALID_SMRR_CONFIGURATION, 0),
                    Statuses.smrrOverlapsCmr(0, 0), TDX_INCOMPATIBLE_SEAM_CAPABILITIES.value(),
                    TDX_SYS_INCOMPATIBLE_SIGSTRUCT.value(), TDX_RND_NO_ENTROPY.value());
            case TDH_SYS_LP_INIT -> List.of(TDX_SYS_BUSY.value(), TDX_SYS_LP_INIT_NOT_PENDING.value(),
                    TDX_SYS_LP_INIT_DONE.value(), TDX_RND_NO_ENTROPY.value(), TDX_INCOMPATIBLE_SEAM_CAPABILITIES.value(),
                    TDX_INCONSISTENT_CPUID_FIELD.value(), TDX_LIMIT_CPUID_MAXVAL_SET.value(),
                    Statuses.invalidPackageId(8), Statuses.msr(TDX_INCONSISTENT_MSR, 0x982));
            case TDH_SYS_INFO -> List.of(TDX_SYS_LP_INIT_NOT_DONE.value(), Statuses.operandInvalid(Gpr.RCX),
                    Statuses.operandInvalid(Gpr.RDX), Statuses.operandInvalid(Gpr.R8), Statuses.operandInvalid(Gpr.R9));
            case TDH_SYS_RD -> List.of(TDX_SYS_LP_INIT_NOT_DONE.value(), TDX_SYS_NOT_READY.value(),
                    TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT.value(), TDX_METADATA_FIELD_ID_INCORRECT.value(),
                    TDX_METADATA_FIELD_NOT_READABLE.value());
            case TDH_SYS_RDALL -> List.of(TDX_SYS_LP_INIT_NOT_DONE.value(), Statuses.operandInvalid(Gpr.RDX),
                    TDX_METADATA_FIELD_ID_INCORRECT.value(), TDX_METADATA_LIST_OVERFLOW.value());
            case TDH_SYS_CONFIG -> List.of(TDX_SYS_BUSY.value(), TDX_SYS_CONFIG_NOT_PENDING.value(),
                    Statuses.operandInvalid(Gpr.RCX), Statuses.operandInvalid(Gpr.RDX), Statuses.operandInvalid(Gpr.R8),
                    Statuses.tdmr(TDX_INVALID_TDMR, 0), Statuses.tdmr(TDX_NON_ORDERED_TDMR, 0),
                    Statuses.reservedArea(TDX_INVALID_RESERVED_IN_TDMR, 0, 0),
                    Statuses.reservedArea(TDX_NON_ORDERED_RESERVED_IN_TDMR, 0, 0),
                    Statuses.pamt(TDX_INVALID_PAMT, 0, PageSize.SIZE_4K), Statuses.pamtOverlap(0, PageSize.SIZE_4K, 0),
                    Statuses.pamt(TDX_PAMT_OUTSIDE_CMRS, 0, PageSize.SIZE_4K), Statuses.tdmr(TDX_TDMR_OUTSIDE_CMRS, 0));
            case TDH_SYS_KEY_CONFIG -> List.of(TDX_SYS_BUSY.value(), TDX_SYS_KEY_CONFIG_NOT_PENDING.value(),
                    TDX_KEY_CONFIGURED.value(), TDX_KEY_GENERATION_FAILED.value(), Statuses.operandBusy(Operand.KET));
            case TDH_SYS_TDMR_INIT -> List.of(TDX_SYS_NOT_READY.value(), Statuses.operandInvalid(Gpr.RCX),
                    Statuses.operandBusy(Operand.RCX), TDX_TDMR_ALREADY_INITIALIZED.value());
            case TDH_SYS_LP_SHUTDOWN -> List.of(TDX_SYS_BUSY.value());
            case TDH_SYS_SHUTDOWN -> List.of(TDX_SYS_NOT_READY.value(), Statuses.operandInvalid(Gpr.RCX),
                    TDX_SYS_BUSY.value());
            default -> List.of();
        });
        statuses.add(Statuses.operandInvalid(Gpr.RAX));
        if (leaf != Leaf.TDH_SYS_LP_SHUTDOWN) {
            statuses.add(TDX_SYS_SHUTDOWN.value());
        }
        for (StatusCode software : new StatusCode[] {TDX_SEAMCALL_VMFAILINVALID, TDX_SEAMCALL_GP, TDX_SEAMCALL_UD}) {
            statuses.add(software.value());
        }
        return statuses.stream().distinct().toList();
    }
}
