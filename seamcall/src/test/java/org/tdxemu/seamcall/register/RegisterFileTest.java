package org.tdxemu.seamcall.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;

class RegisterFileTest {

    @Test
    void holdsSixteenRegistersInArchitecturalOrder() {
        assertEquals(16, Gpr.values().length);
        assertEquals(1, Gpr.RCX.ordinal());
        assertEquals(8, Gpr.R8.ordinal());
        assertEquals(Gpr.R15, Gpr.ofNumber(15));
    }

    @Test
    void copiesAreIndependentAndPrintOnlyNonZeroRegisters() {
        RegisterFile regs = new RegisterFile().set(Gpr.RAX, 0x2d).set(Gpr.RDX, 2).set(Gpr.R8, 0x20);
        RegisterFile copy = regs.copy();
        assertEquals(regs, copy);
        copy.set(Gpr.R9, 1);
        assertNotEquals(regs, copy);
        assertEquals("{rax=0x2d, rdx=0x2, r8=0x20}", regs.toString());
        regs.restoreFrom(copy);
        assertEquals(1, regs.r9());
    }

    @Test
    void aLeafCallLoadsRaxAndReturnsTheStatus() {
        Seamcall echo = (cpu, regs) -> {
            regs.set(Gpr.RDX, cpu);
            regs.set(Gpr.RAX, regs.rax() + 1);
            return regs.rax();
        };
        RegisterFile regs = new RegisterFile();
        assertEquals(46, echo.call(3, Leaf.TDH_SYS_CONFIG, regs));
        assertEquals(3, regs.rdx());
    }
}
