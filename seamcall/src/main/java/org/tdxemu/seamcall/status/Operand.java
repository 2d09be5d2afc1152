package org.tdxemu.seamcall.status;

import java.util.Optional;
import org.tdxemu.seamcall.register.Gpr;

/**
 * Operand IDs that a status carries in bits 31:0 (module-abi.md §1.3; the module's
 * {@code OPERAND_ID_*} table). IDs 0–15 are the general-purpose registers, RSP excepted.
 */
public enum Operand {
    RAX(Gpr.RAX), RCX(Gpr.RCX), RDX(Gpr.RDX), RBX(Gpr.RBX), RBP(Gpr.RBP), RSI(Gpr.RSI), RDI(Gpr.RDI),
    R8(Gpr.R8), R9(Gpr.R9), R10(Gpr.R10), R11(Gpr.R11), R12(Gpr.R12), R13(Gpr.R13), R14(Gpr.R14), R15(Gpr.R15),
    ATTRIBUTES(64),
    XFAM(65),
    EXEC_CONTROLS(66),
    EPTP_CONTROLS(67),
    MAX_VCPUS(68),
    CPUID_CONFIG(69),
    TSC_FREQUENCY(70),
    NUM_L2_VMS(71),
    IA32_ARCH_CAPABILITIES_CONFIG(72),
    PAGE(95),
    TDMR_INFO_PA(96),
    GPA_LIST_ENTRY(97),
    MIG_BUFF_LIST_ENTRY(98),
    NEW_PAGE_LIST_ENTRY(99),
    TDR(128),
    TDCX(129),
    TDVPR(130),
    TDVPX(131),
    REG_PAGE(132),
    TDCS(144),
    TDVPS(145),
    SEPT_TREE(146),
    SEPT_ENTRY(147),
    RTMR(168),
    TD_EPOCH(169),
    L2_VAPIC_GPA(170),
    MIGSC(171),
    OP_STATE(172),
    MIG(173),
    SERVTD_BINDINGS(174),
    METADATA_FIELD(176),
    SYS(184),
    TDMR(185),
    KOT(186),
    KET(187),
    WBCACHE(188);

    private final int id;

    Operand(Gpr register) {
        this(register.ordinal());
    }

    Operand(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static Optional<Operand> ofId(long id) {
        for (Operand o : values()) {
            if (o.id == id) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    public static Operand of(Gpr register) {
        if (register == Gpr.RSP) {
            throw new IllegalArgumentException("RSP is never an operand");
        }
        return ofId(register.ordinal()).orElseThrow();
    }
}
