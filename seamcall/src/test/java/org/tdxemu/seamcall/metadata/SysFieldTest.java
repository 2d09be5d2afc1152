package org.tdxemu.seamcall.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tdxemu.seamcall.ReferenceDocs;

class SysFieldTest {

    private static final Pattern ROW = Pattern.compile(
            "^\\| ([\\d–]+|—) \\| \\**(?:\\[1\\.5\\.05 only\\] )?([A-Z0-9_]+)[^|]*\\| \\**(0x[0-9A-F]{16})[^|]*\\| (\\d) \\| (\\d+)×(\\d+) \\|",
            Pattern.MULTILINE);

    @Test
    void everyFieldOfTheReferenceTableHasItsIdSizeAndShapeInTableOrder() {
        String doc = ReferenceDocs.read("module-abi.md");
        int start = doc.indexOf("### 6.2 The SYS field table");
        String table = doc.substring(start, doc.indexOf("TDX_FEATURES0 bits:", start));
        Map<String, long[]> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(table);
        while (m.find()) {
            rows.put(m.group(2), new long[] {Long.parseUnsignedLong(m.group(3).substring(2), 16),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))});
        }
        // The reference folds MIN/MAX_EXPORT/IMPORT_VERSION into one row (47–50), so it lists 63 + MAX_VCPUS_PER_TD.
        assertEquals(63, rows.size(), rows.keySet().toString());
        int index = 0;
        for (Map.Entry<String, long[]> row : rows.entrySet()) {
            String name = row.getKey().equals("MIN") ? "MIN_EXPORT_VERSION" : row.getKey();
            SysField field = SysField.valueOf(name);
            while (SysField.values()[index] != field) {
                index++;
            }
            assertEquals(row.getValue()[0], field.id().raw(), name);
            assertEquals(row.getValue()[1], field.elementBytes(), name);
            assertEquals(row.getValue()[2], field.fields(), name);
            assertEquals(row.getValue()[3], field.elements(), name);
        }
        assertEquals(66, SysField.values().length);
    }

    @Test
    void arrayElementsHaveConsecutiveFieldCodes() {
        assertEquals(0x9900000300000500L + 2 * 3 + 1, SysField.CPUID_CONFIG_VALUES.id(3, 1).raw());
        assertEquals(0x9000000300000080L + 31, SysField.CMR_BASE.id(31, 0).raw());
        assertThrows(IndexOutOfBoundsException.class, () -> SysField.CMR_BASE.id(32, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> SysField.MAX_TDMRS.id(0, 1));
    }
}
