package org.tdxemu.seamcall.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.ReferenceDocs;

class StatusCodeTest {

    private static final Pattern TABLE_CELL = Pattern.compile("([A-Z][A-Z0-9_]+)\\**\\s*\\|\\s*\\**(0x[0-9A-Fa-f]{16})");

    /** The 1.5.01 table of module-abi.md §1.4, name to value. */
    private static Map<String, Long> referenceTable() {
        String doc = ReferenceDocs.read("module-abi.md");
        int start = doc.indexOf("### 1.4 Full status list");
        int end = doc.indexOf("Version differences:", start);
        Map<String, Long> table = new LinkedHashMap<>();
        Matcher m = TABLE_CELL.matcher(doc.substring(start, end));
        while (m.find()) {
            table.put(m.group(1), Long.parseUnsignedLong(m.group(2).substring(2), 16));
        }
        return table;
    }

    @Test
    void theTdx15TableHoldsEveryCodeOfTheReferenceWithItsValue() {
        Map<String, Long> reference = referenceTable();
        assertEquals(166, reference.size(), "codes parsed from module-abi.md §1.4");
        reference.forEach((name, value) -> {
            Optional<StatusCode> code = StatusCode.ofName(name, ModuleGeneration.TDX_1_5_01);
            assertTrue(code.isPresent(), name + " missing from the 1.5.01 table");
            assertEquals(value, code.get().value(), name);
        });
    }

    @Test
    void theTdx15TableHoldsNothingTheReferenceDoesNotName() {
        Set<String> reference = referenceTable().keySet();
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
