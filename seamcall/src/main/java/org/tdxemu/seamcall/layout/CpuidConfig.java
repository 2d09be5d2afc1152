package org.tdxemu.seamcall.layout;

/**
 * One CPUID_CONFIG entry: the leaf and subleaf, and the register values a TD sees (module-abi.md
 * §5.1). A subleaf of {@link #NO_SUBLEAF} means the leaf has none.
 */
public record CpuidConfig(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
    public static final int NO_SUBLEAF = 0xFFFF_FFFF;
}
