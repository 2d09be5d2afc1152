package org.tdxemu.seamcall.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import org.tdxemu.seamcall.layout.PageSize;

/**
 * A 64-bit completion status taken apart into words (module-abi.md §1.3): its name in the table of
 * a module generation, the details its code carries, its class and its flag bits. Any value
 * decodes; one that no table names keeps its raw fields.
 */
public record DecodedStatus(long raw, Optional<StatusCode> code, Optional<ModuleGeneration> onlyIn,
                            List<String> details) {

    static final long ERROR_BIT = 1L << 63;
    static final long NON_RECOVERABLE_BIT = 1L << 62;
    static final long FATAL_BIT = 1L << 61;
    static final long HOST_RECOVERABILITY_HINT_BIT = 1L << 60;
    static final int CLASS_SHIFT = 40;
    static final int DETAILS_L1_SHIFT = 32;

    public DecodedStatus {
        details = List.copyOf(details);
    }

    /** Decodes against the newest table, naming codes of older tables as such. */
    public static DecodedStatus of(long status) {
        return of(status, StatusCode.DEFAULT_GENERATION);
    }

    /** Decodes against the table of {@code generation}, naming codes of other tables as such. */
    public static DecodedStatus of(long status, ModuleGeneration generation) {
        Optional<StatusCode> code = StatusCode.of(status, generation);
        Optional<ModuleGeneration> onlyIn = Optional.empty();
        if (code.isEmpty()) {
            for (ModuleGeneration other : ModuleGeneration.values()) {
                code = StatusCode.of(status, other);
                if (code.isPresent()) {
                    onlyIn = Optional.of(other);
                    break;
                }
            }
        }
        return new DecodedStatus(status, code, onlyIn, code.map(c -> detailWords(c, status)).orElse(List.of()));
    }

    public boolean isError() {
        return (raw & ERROR_BIT) != 0;
    }

    public boolean isNonRecoverable() {
        return (raw & NON_RECOVERABLE_BIT) != 0;
    }

    public boolean isFatal() {
        return (raw & FATAL_BIT) != 0;
    }

    public boolean hasHostRecoverabilityHint() {
        return (raw & HOST_RECOVERABILITY_HINT_BIT) != 0;
    }

    /** CLASS, bits 47:40. */
    public int classCode() {
        return (int) ((raw >>> CLASS_SHIFT) & 0xFF);
    }

    public Optional<StatusClass> statusClass() {
        return StatusClass.ofCode(classCode());
    }

    /** DETAILS_L1, bits 39:32: the code within its class. */
    public int detailsL1() {
        return (int) ((raw >>> DETAILS_L1_SHIFT) & 0xFF);
    }

    /** DETAILS_L2, bits 31:0: operand ID or packed detail bytes. */
    public long detailsL2() {
        return raw & StatusCode.DETAILS_MASK;
    }

    /** The name as its table spells it, or "unknown status". */
    public String name() {
        return code.map(StatusCode::architecturalName).orElse("unknown status");
    }

    /**
     * One line of words: {@code TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, against TDMR 5};
     * {@code TDX_KEY_CONFIGURED, not an error (bit 63 clear)}.
     */
    public String summary() {
        StringJoiner line = new StringJoiner(", ");
        line.add(name() + onlyIn.map(g -> " (TDX " + g.label() + " table)").orElse(""));
        details.forEach(line::add);
        if (code.isEmpty()) {
            line.add(String.format("class 0x%02x", classCode()));
            line.add(String.format("details L1 0x%02x", detailsL1()));
            line.add(String.format("details L2 0x%08x", detailsL2()));
        }
        if (raw != 0 && !isError()) {
            line.add("not an error (bit 63 clear)");
        }
        return line.toString();
    }

    /** The summary, then the class, the raw fields and the flag bits, for people. */
    public String describe() {
        return String.format("0x%016x: %s%n", raw, summary())
                + String.format("  class 0x%02x (%s), details L1 0x%02x, details L2 0x%08x%n", classCode(), className(),
                detailsL1(), detailsL2())
                + "  " + flagWords();
    }

    /** The class and the flag bits in words: {@code class 0x0a (TDMR / PAMT / CMR), error, non-recoverable}. */
    public String classAndFlags() {
        return String.format("class 0x%02x (%s), %s", classCode(), className(), flagWords());
    }

    private String className() {
        return statusClass().map(StatusClass::description).orElse("unknown class");
    }

    private String flagWords() {
        List<String> flags = new ArrayList<>();
        if (isError()) {
            flags.add("error");
        }
        if (isNonRecoverable()) {
            flags.add("non-recoverable");
        }
        if (isFatal()) {
            flags.add("fatal");
        }
        if (hasHostRecoverabilityHint()) {
            flags.add("host recoverability hint");
        }
        return flags.isEmpty() ? "no flag bits set" : String.join(", ", flags);
    }

    @Override
    public String toString() {
        return summary();
    }

    private static List<String> detailWords(StatusCode code, long status) {
        long l2 = status & StatusCode.DETAILS_MASK;
        int info0 = (int) (l2 & 0xFF);
        int info1 = (int) ((l2 >>> 8) & 0xFF);
        int info2 = (int) ((l2 >>> 16) & 0xFF);
        List<String> words = new ArrayList<>();
        long unexplained = 0;
        switch (code.detailForm()) {
            case EXACT -> { }
            case OPERAND -> {
                // Most codes carry operand 0 meaning none; a status of the operand class is about an
                // operand, and 0 is RAX (the dispatcher's answer to a leaf or version it does not take).
                if (l2 != 0 || (status >>> CLASS_SHIFT & 0xFF) == StatusClass.OPERAND.code()) {
                    words.add(String.format("operand 0x%x", l2)
                            + Operand.ofId(l2).map(o -> " (" + o.name() + ")").orElse(""));
                }
            }
            case TDMR -> {
                words.add("TDMR " + info0);
                unexplained = l2 & ~0xFFL;
            }
            case TDMR_RESERVED_AREA -> {
                words.add("TDMR " + info0);
                words.add("reserved area " + info1);
                unexplained = l2 & ~0xFFFFL;
            }
            case TDMR_PAMT, TDMR_PAMT_OTHER_TDMR -> {
                words.add("TDMR " + info0);
                words.add(PageSize.ofCode(info1).map(p -> p.label() + " PAMT").orElse("PAMT page size " + info1));
                if (code.detailForm() == DetailForm.TDMR_PAMT_OTHER_TDMR) {
                    words.add("against TDMR " + info2);
                    unexplained = l2 & ~0xFF_FFFFL;
                } else {
                    unexplained = l2 & ~0xFFFFL;
                }
            }
            case MSR -> words.add(String.format("MSR 0x%x", l2));
            case SMRR -> {
                words.add("SMRR " + info0);
                unexplained = l2 & ~0xFFL;
            }
            case SMRR_CMR -> {
                words.add("SMRR " + info0);
                words.add("CMR " + info1);
                unexplained = l2 & ~0xFFFFL;
            }
            case CPUID_LEAF -> words.add(String.format("CPUID leaf 0x%x", l2));
            case PACKAGE -> words.add("package " + l2);
            case HKID_LIMIT -> words.add("HKID limit " + l2);
        }
        if (unexplained != 0) {
            words.add(String.format("other details 0x%08x", unexplained));
        }
        return words;
    }
}
