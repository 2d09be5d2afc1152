package org.tdxemu.seamcall.register;

/**
 * The 16 general-purpose registers, in the architectural encoding order. A register's ordinal is
 * also its operand ID in a completion status (module-abi.md §1.3).
 */
public enum Gpr {
    RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15;

    private static final Gpr[] BY_NUMBER = values();

    private final String lowerCaseName = name().toLowerCase(java.util.Locale.ROOT);

    public static Gpr ofNumber(int number) {
        return BY_NUMBER[number];
    }

    public String lowerCaseName() {
        return lowerCaseName;
    }
}
