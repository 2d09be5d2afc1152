package org.tdxemu.emulator.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tdxemu.emulator.testing.TdmrSpec;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;

/**
 * What the host sets up for one TDH.SYS.CONFIG: TDMR_INFO entries where it wrote them, the
 * pointer array, the registers, and whether every LP did LP.INIT first. The pointers, RCX and the
 * words in {@code overrides} may say anything; {@link #words()} is what memory holds.
 *
 * @param entryPas  where entry k is written
 * @param arrayPa   where the pointer array is written (RCX may point elsewhere)
 * @param overrides 8-byte words written last, over whatever was there
 */
record ConfigInput(List<TdmrSpec> entries, List<Long> entryPas, long arrayPa, List<Long> pointers, long rcx,
                   long rdx, long r8, boolean everyLpInitialized, Map<Long, Long> overrides) {

    ConfigInput {
        entries = List.copyOf(entries);
        entryPas = List.copyOf(entryPas);
        pointers = List.copyOf(pointers);
        overrides = Map.copyOf(overrides);
    }

    /** Every word the host writes, by physical address. */
    Words words() {
        Words words = new Words(pointers.size() + entries.size() * TdmrInfo.MODULE_BYTES / Long.BYTES + overrides.size());
        for (int k = 0; k < pointers.size(); k++) {
            words.put(arrayPa + TdmrPointerArray.entryOffset(k), pointers.get(k));
        }
        for (int k = 0; k < entries.size(); k++) {
            putEntry(words, entryPas.get(k), entries.get(k));
        }
        overrides.forEach(words::put);
        return words;
    }

    /** The 320 bytes of one TDMR_INFO, every reserved slot included (§5.3). */
    private static void putEntry(Words words, long pa, TdmrSpec entry) {
        words.put(pa + TdmrInfo.BASE, entry.base());
        words.put(pa + TdmrInfo.SIZE, entry.size());
        for (PageSize ps : PageSize.values()) {
            words.put(pa + TdmrInfo.pamtBaseOffset(ps), entry.pamt(ps).start());
            words.put(pa + TdmrInfo.pamtSizeOffset(ps), entry.pamt(ps).size());
        }
        for (int j = 0; j < TdmrInfo.MODULE_RESERVED_AREAS; j++) {
            TdmrSpec.Area area = j < entry.reserved().size() ? entry.reserved().get(j) : new TdmrSpec.Area(0, 0);
            words.put(pa + TdmrInfo.reservedOffsetOffset(j), area.start());
            words.put(pa + TdmrInfo.reservedSizeOffset(j), area.size());
        }
    }

    ConfigInput withEntry(int k, TdmrSpec entry) {
        List<TdmrSpec> changed = new ArrayList<>(entries);
        changed.set(k, entry);
        return withEntries(changed);
    }

    ConfigInput withEntries(List<TdmrSpec> changed) {
        return new ConfigInput(changed, entryPas, arrayPa, pointers, rcx, rdx, r8, everyLpInitialized, overrides);
    }

    ConfigInput withPointer(int k, long pa) {
        List<Long> changed = new ArrayList<>(pointers);
        changed.set(k, pa);
        return new ConfigInput(entries, entryPas, arrayPa, changed, rcx, rdx, r8, everyLpInitialized, overrides);
    }

    ConfigInput withRcx(long value) {
        return new ConfigInput(entries, entryPas, arrayPa, pointers, value, rdx, r8, everyLpInitialized, overrides);
    }

    ConfigInput withRdx(long value) {
        return new ConfigInput(entries, entryPas, arrayPa, pointers, rcx, value, r8, everyLpInitialized, overrides);
    }

    ConfigInput withR8(long value) {
        return new ConfigInput(entries, entryPas, arrayPa, pointers, rcx, rdx, value, everyLpInitialized, overrides);
    }

    ConfigInput withAnLpLeftUninitialized() {
        return new ConfigInput(entries, entryPas, arrayPa, pointers, rcx, rdx, r8, false, overrides);
    }

    ConfigInput withWord(long pa, long value) {
        Map<Long, Long> changed = new TreeMap<>(overrides);
        changed.put(pa, value);
        return new ConfigInput(entries, entryPas, arrayPa, pointers, rcx, rdx, r8, everyLpInitialized, changed);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format("RCX 0x%x RDX 0x%x R8 0x%x%s, array at 0x%x: ", rcx, rdx, r8,
                everyLpInitialized ? "" : ", an LP not initialized", arrayPa));
        for (int k = 0; k < pointers.size(); k++) {
            s.append(String.format("%n  ptr[%d] 0x%x", k, pointers.get(k)));
            if (k < entries.size()) {
                s.append(String.format(" (entry %d at 0x%x: %s)", k, entryPas.get(k), describe(entries.get(k))));
            }
        }
        overrides.forEach((pa, value) -> s.append(String.format("%n  word 0x%x := 0x%x", pa, value)));
        return s.toString();
    }

    private static String describe(TdmrSpec e) {
        StringBuilder s = new StringBuilder(String.format("[0x%x +0x%x) pamt", e.base(), e.size()));
        for (PageSize ps : PageSize.values()) {
            s.append(String.format(" %s 0x%x+0x%x", ps, e.pamt(ps).start(), e.pamt(ps).size()));
        }
        s.append(" areas");
        for (TdmrSpec.Area area : e.reserved()) {
            s.append(String.format(" 0x%x+0x%x", area.start(), area.size()));
        }
        return s.toString();
    }
}
