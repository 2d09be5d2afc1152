package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.tdxemu.emulator.module.MetadataTestSupport.LIST_PA;
import static org.tdxemu.emulator.module.MetadataTestSupport.SETTINGS_1_5;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.tdxemu.emulator.module.MetadataTestSupport.ReadElement;
import org.tdxemu.seamcall.layout.MetadataList;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * Any 64-bit field ID, given to TDH.SYS.RD or as TDH.SYS.RDALL's start, gets either the table's
 * answer or the exact refusal, never an exception, and leaves the module as it was. The expected
 * answers come from an oracle built here from the RD walk and the shapes in {@link SysField}.
 */
class MetadataPropertiesTest {

    private static final byte GARBAGE = (byte) 0x5A;
    /** Registers neither leaf writes, with values that would show if one were written. */
    private static final Gpr[] UNTOUCHED = {Gpr.RCX, Gpr.RBX, Gpr.RSI, Gpr.RDI, Gpr.R9, Gpr.R10, Gpr.R15};

    /** What the oracle knows of one element: its entry, its index in the entry, its value, its walk position. */
    private record Known(SysField entry, int index, long value, int position) {
    }

    private static long key(int classCode, int fieldCode) {
        return (long) classCode << 32 | fieldCode;
    }

    /** Every element of the table by (class code, field code), in walk order. */
    private static Map<Long, Known> oracle(List<ReadElement> walk) {
        Map<Long, Known> known = new HashMap<>();
        int position = 0;
        for (SysField entry : SysField.table(false)) {
            for (int i = 0; i < entry.fields() * entry.elements(); i++) {
                FieldId id = new FieldId(walk.get(position).id());
                known.put(key(id.classCode(), id.fieldCode()), new Known(entry, i, walk.get(position).value(), position));
                position++;
            }
        }
        assertEquals(walk.size(), position);
        return known;
    }

    /**
     * Table IDs and null IDs bent in the ways callers get them wrong, mixed with plain random
     * 64-bit values.
     */
    private static Gen<Long> fieldIds(List<ReadElement> walk) {
        List<Long> ids = new ArrayList<>(walk.stream().map(ReadElement::id).toList());
        for (long context = 0; context < 8; context++) {
            ids.add(MetadataTestSupport.nullId(context));
        }
        List<Long> bends = new ArrayList<>(List.of(0L, FieldId.CONTEXT_CODE_MASK, FieldId.ELEMENT_SIZE_CODE_MASK,
                FieldId.NON_ARCH_BIT, FieldId.INC_SIZE_BIT, FieldId.WRITE_MASK_VALID_BIT, 1L << 34, 1L << 38,
                FieldId.NULL));
        for (long bit = 1; bit != 0; bit <<= 1) {
            if ((FieldId.RESERVED_MASK & bit) != 0) {
                bends.add(bit);
            }
        }
        Gen<Long> bent = Generate.pick(ids).zip(Generate.pick(bends), integers().between(-2, 2),
                (id, bend, codeDelta) -> new FieldId(id ^ bend).plusFieldCode(codeDelta).raw());
        Gen<Long> nulls = integers().between(0, 7).map(context -> MetadataTestSupport.nullId(context));
        return bent.mix(longs().all(), 30).mix(nulls, 5);
    }

    private static RegisterFile callWithMarkedRegisters(MetadataTestSupport s, Leaf leaf, long rdx, long r8) {
        RegisterFile registers = new RegisterFile().set(Gpr.RDX, rdx).set(Gpr.R8, r8);
        for (Gpr r : UNTOUCHED) {
            registers.set(r, 0x1111_0000L + r.ordinal());
        }
        s.call(0, leaf, registers);
        for (Gpr r : UNTOUCHED) {
            assertEquals(0x1111_0000L + r.ordinal(), registers.get(r), r.name());
        }
        return registers;
    }

    @Test
    void anyFieldIdReadsTheTablesValueOrIsRefusedExactly() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            List<ReadElement> walk = s.walk();
            Map<Long, Known> known = oracle(walk);
            ModuleStatus before = s.module.status();
            Map<Long, Integer> answers = new HashMap<>();
            qt().withExamples(3000).forAll(fieldIds(walk)).checkAssert(raw -> {
                RegisterFile out = callWithMarkedRegisters(s, Leaf.TDH_SYS_RD, raw, 0x2222);
                answers.merge(out.rax(), 1, Integer::sum);
                FieldId id = new FieldId(raw).withContext(FieldId.CONTEXT_SYS);
                Known element = known.get(key(id.classCode(), id.fieldCode()));
                if (id.isNull()) {
                    assertStatus(StatusCode.TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT.value(), out.rax());
                    assertEquals(walk.get(0).id(), out.rdx());
                    assertEquals(0, out.r8());
                } else if (id.hasReservedBits() || id.lastElementInField() != 0 || id.lastFieldInSequence() != 0
                        || element == null) {
                    assertStatus(StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value(), out.rax());
                    assertEquals(FieldId.NULL, out.rdx());
                    assertEquals(0, out.r8());
                } else {
                    assertStatus(StatusCode.TDX_SUCCESS.value(), out.rax());
                    assertEquals(element.value(), out.r8());
                    assertEquals(expectedNext(walk, element, id), out.rdx());
                }
                assertEquals(before, s.module.status());
                assertEquals(List.of(), s.module.internalErrors());
            });
            assertEquals(3, answers.size(), "the examples reach success, refusal and the null ID: " + answers);
        }
    }

    private static long expectedNext(List<ReadElement> walk, Known element, FieldId requested) {
        if (element.index() + 1 < element.entry().fields() * element.entry().elements()) {
            return requested.plusFieldCode(1).raw();
        }
        return element.position() + 1 < walk.size() ? walk.get(element.position() + 1).id() : FieldId.NULL;
    }

    @Test
    void anyStartIdDumpsTheRestOfTheTableOrIsRefusedWithoutTouchingTheBuffer() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            List<ReadElement> walk = s.walk();
            Map<Long, Known> known = oracle(walk);
            ModuleStatus before = s.module.status();
            s.scribble(LIST_PA, MetadataList.BUFFER_BYTES, GARBAGE);
            Map<Long, Integer> answers = new HashMap<>();
            qt().withExamples(1000).forAll(fieldIds(walk)).checkAssert(raw -> {
                RegisterFile out = callWithMarkedRegisters(s, Leaf.TDH_SYS_RDALL, LIST_PA, raw);
                answers.merge(out.rax(), 1, Integer::sum);
                FieldId start = new FieldId(raw).withContext(FieldId.CONTEXT_SYS);
                Known field = start.isNull() ? known.get(key(0, 0)) : known.get(key(start.classCode(), start.fieldCode()));
                boolean accepted = start.isNull() || field != null && field.index() % field.entry().elements() == 0
                        && start.elementSizeCode() == new FieldId(walk.get(field.position()).id()).elementSizeCode();
                assertEquals(FieldId.NULL, out.r8());
                assertEquals(LIST_PA, out.rdx());
                if (accepted) {
                    assertStatus(StatusCode.TDX_SUCCESS.value(), out.rax());
                    assertListHolds(s, walk.subList(field.position(), walk.size()));
                    s.scribble(LIST_PA, MetadataList.BUFFER_BYTES, GARBAGE);
                } else {
                    assertStatus(StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value(), out.rax());
                    assertArrayEquals(MetadataTestSupport.filled(MetadataList.BUFFER_BYTES, GARBAGE),
                            s.memory.read(LIST_PA, MetadataList.BUFFER_BYTES));
                }
                assertEquals(before, s.module.status());
                assertEquals(List.of(), s.module.internalErrors());
            });
            assertEquals(2, answers.size(), "the examples reach both success and refusal: " + answers);
        }
    }

    /** The list starts at the rest's first element and holds exactly as many elements as the rest. */
    private static void assertListHolds(MetadataTestSupport s, List<ReadElement> rest) {
        MetadataList list = MetadataList.at(s.memory, LIST_PA);
        long firstHeader = s.memory.read64(LIST_PA + MetadataList.HEADER_BYTES);
        FieldId first = new FieldId(firstHeader).withLastElementInField(0).withLastFieldInSequence(0);
        assertEquals(rest.get(0).id(), first.raw());
        int elements = (list.listBuffSize() - MetadataList.HEADER_BYTES
                - list.numSequences() * MetadataList.SEQUENCE_HEADER_BYTES) / MetadataList.ELEMENT_BYTES;
        assertEquals(rest.size(), elements);
    }
}
