package org.tdxemu.emulator.module;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdxemu.emulator.module.MetadataTestSupport.LIST_PA;
import static org.tdxemu.emulator.module.MetadataTestSupport.MISSING_PA;
import static org.tdxemu.emulator.module.MetadataTestSupport.SETTINGS_1_5;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertStatus;
import static org.tdxemu.emulator.module.MetadataTestSupport.assertSuccess;
import static org.tdxemu.emulator.module.MetadataTestSupport.filled;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdxemu.emulator.module.MetadataTestSupport.ReadElement;
import org.tdxemu.emulator.module.metadata.GlobalMetadata;
import org.tdxemu.emulator.module.metadata.MetadataListDump;
import org.tdxemu.seamcall.layout.MetadataList;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.metadata.FieldId;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;

/**
 * TDH.SYS.RDALL (module-abi.md §4.8): the list it writes, byte for byte where the reference fixes
 * the bytes, and equal to the TDH.SYS.RD walk in its values however the dump is cut into pages.
 */
class SysRdAllTest {

    private static final int PAGE = 4096;
    private static final byte GARBAGE = (byte) 0xA5;
    private static final long FIELD_ID_INCORRECT = 0xC0000C0000000000L;
    private static final long RDX_INVALID = 0xC000010000000002L;

    /** The 37 sequences of the 1.5.05 table: where class, field codes, element count or size change. */
    private static final long[] SEQUENCE_HEADERS = {
        0x0000020200000000L, 0x0800004200000000L, 0x8800010100000002L, 0x8900004100000000L,
        0x8900000000000002L, 0x8900000100000003L, 0x8900000000000004L, 0x8900000100000005L,
        0x8900000200000006L, 0x0A00000200000000L, 0x0A00000000000001L, 0x0A00000300000008L,
        0x9000000100000000L, 0x900007C300000080L, 0x900007C300000100L, 0x9100004100000008L,
        0x9100008100000010L, 0x9800000100000000L, 0x9800004100000100L, 0x9800004100000200L,
        0x190000C300000000L, 0x9900000100000004L, 0x9900004300000006L, 0x9900000100000008L,
        0x990007C300000400L, 0x990007C700000500L, 0x9900000300000600L, 0x9900004100000800L,
        0x99001FC300000810L, 0xA000000300000000L, 0x200000C100000001L, 0xA000000100000010L,
        0xA000008000000020L, 0xA100000100000000L, 0xA100004300000001L, 0xA200000100000000L,
        0xA200014300000001L,
    };

    private static RegisterFile rdAll(MetadataTestSupport s, int cpu, long listPa, long startId) {
        RegisterFile registers = new RegisterFile().set(Gpr.RDX, listPa).set(Gpr.R8, startId);
        s.call(cpu, Leaf.TDH_SYS_RDALL, registers);
        return registers;
    }

    /**
     * The elements a list holds, each with its ID: the sequence header's ID counted on. A sequence
     * may join fields whose NON_ARCH bits differ (BUILD_NUM and MINOR_VERSION), which its one header
     * cannot tell, so NON_ARCH is left out here and by {@link #withoutNonArch}.
     */
    private static List<ReadElement> elementsOf(List<MetadataList.Sequence> sequences) {
        List<ReadElement> elements = new ArrayList<>();
        for (MetadataList.Sequence sequence : sequences) {
            FieldId first = sequence.header().withLastElementInField(0).withLastFieldInSequence(0);
            for (int i = 0; i < sequence.elements().size(); i++) {
                elements.add(new ReadElement(first.plusFieldCode(i).raw() & ~FieldId.NON_ARCH_BIT,
                        sequence.elements().get(i)));
            }
        }
        return elements;
    }

    private static List<ReadElement> withoutNonArch(List<ReadElement> elements) {
        return elements.stream().map(e -> new ReadElement(e.id() & ~FieldId.NON_ARCH_BIT, e.value())).toList();
    }

    private static void assertRefusedAndUntouched(MetadataTestSupport s, long status, RegisterFile out) {
        assertStatus(status, out.rax());
        assertEquals(FieldId.NULL, out.r8(), "R8");
        assertArrayEquals(filled(PAGE, GARBAGE), s.memory.read(LIST_PA, PAGE));
    }

    @Test
    void fromTheNullIdTheWholeTableFitsOnePageByteExact() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            s.scribble(LIST_PA, PAGE, GARBAGE);
            RegisterFile out = rdAll(s, 0, LIST_PA, FieldId.NULL);

            assertSuccess(out.rax());
            assertEquals(FieldId.NULL, out.r8());
            assertEquals(LIST_PA, out.rdx());
            int listBytes = 8 + SEQUENCE_HEADERS.length * 8 + s.walk().size() * 8;
            assertEquals(3144, listBytes);
            assertArrayEquals(new byte[] {0x48, 0x0C, 37, 0, 0, 0, 0, 0}, s.memory.read(LIST_PA, 8));
            MetadataList list = MetadataList.at(s.memory, LIST_PA);
            List<MetadataList.Sequence> sequences = list.sequences();
            assertArrayEquals(SEQUENCE_HEADERS, sequences.stream().mapToLong(q -> q.header().raw()).toArray());
            assertEquals(withoutNonArch(s.walk()), elementsOf(sequences));
            assertArrayEquals(filled(PAGE - listBytes, GARBAGE), s.memory.read(LIST_PA + listBytes, PAGE - listBytes),
                    "the buffer beyond LIST_BUFF_SIZE is the host's");
        }
    }

    @Test
    void aDumpFromAnyFieldLooksOnlyAtItsClassFieldCodeAndSizeAndCarriesTheTablesIds() {
        long cmrSize5 = 0x9000000300000105L;
        long oddStart = cmrSize5 & ~FieldId.NON_ARCH_BIT | 1L << 24 | 3L << 34 | 7L << 38 | FieldId.WRITE_MASK_VALID_BIT
                | 1L << FieldId.CONTEXT_CODE_SHIFT;
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            List<ReadElement> walk = s.walk();
            int from = walk.indexOf(new ReadElement(cmrSize5, 0));
            RegisterFile out = rdAll(s, 0, LIST_PA, oddStart);

            assertSuccess(out.rax());
            assertEquals(FieldId.NULL, out.r8());
            List<MetadataList.Sequence> sequences = MetadataList.at(s.memory, LIST_PA).sequences();
            assertEquals(0x9000068300000105L, sequences.get(0).header().raw(), "CMR_SIZE[5 … 31]");
            assertEquals(1 + 22, sequences.size());
            assertEquals(withoutNonArch(walk.subList(from, walk.size())), elementsOf(sequences));
        }
    }

    @Test
    void aStartIdThatIsNotTheFirstElementOfAFieldWithItsSizeIsRefused() {
        long[] starts = {
            0x9900000300000501L, // CPUID_CONFIG_VALUES[0], element 1
            0x9100000300000008L, // MAX_TDMRS with an 8-byte size code
            0x9100000100000013L, // not in the table
            0x90000003000000A0L, // one past CMR_BASE[31]
        };
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            s.scribble(LIST_PA, PAGE, GARBAGE);
            for (long start : starts) {
                assertRefusedAndUntouched(s, FIELD_ID_INCORRECT, rdAll(s, 0, LIST_PA, start));
            }
        }
    }

    @Test
    void theBufferMustBeASharedHpaAlignedTo4KAndIsCheckedBeforeTheStartId() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            s.scribble(LIST_PA, PAGE, GARBAGE);
            for (long rdx : new long[] {LIST_PA + 0x800, LIST_PA | 1L << 52, LIST_PA | 32L << 46}) {
                assertRefusedAndUntouched(s, RDX_INVALID, rdAll(s, 0, rdx, FieldId.NULL));
                assertRefusedAndUntouched(s, RDX_INVALID, rdAll(s, 0, rdx, 0x9100000100000013L));
            }
        }
    }

    @Test
    void anLpWithoutLpInitGetsLpInitNotDoneBeforeTheBufferIsLookedAt() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5)) {
            s.sysInit();
            s.scribble(LIST_PA, PAGE, GARBAGE);
            assertRefusedAndUntouched(s, StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value(),
                    rdAll(s, 2, LIST_PA + 0x800, FieldId.NULL));
        }
    }

    @Test
    void aBufferWithNoMemoryBehindItSucceedsAsOnTheBus() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            RegisterFile out = rdAll(s, 1, MISSING_PA, FieldId.NULL);

            assertSuccess(out.rax());
            assertEquals(FieldId.NULL, out.r8());
        }
    }

    /**
     * Cut into pages of every size from the smallest that holds the largest field up to 4 KiB, the
     * dump overflows, resumes where R8 says, and its pages together are the RD walk. Everything in
     * a list is a multiple of 8 bytes, so sizes step by 8 and one odd size stands for the rest.
     */
    @Test
    void pagesOfAnySizeResumeIntoExactlyTheRdWalk() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            List<ReadElement> walk = withoutNonArch(s.walk());
            GlobalMetadata metadata = s.module.context().metadata;
            List<Integer> sizes = new ArrayList<>(List.of(MetadataListDump.MIN_BUFFER_BYTES + 5));
            for (int size = MetadataListDump.MIN_BUFFER_BYTES; size <= PAGE; size += 8) {
                sizes.add(size);
            }
            for (int size : sizes) {
                List<ReadElement> dumped = new ArrayList<>();
                long next = metadata.first().id().raw();
                MetadataListDump.Page page;
                do {
                    GlobalMetadata.Element start = metadata.find(new FieldId(next)).orElseThrow();
                    page = MetadataListDump.dump(metadata, start, size);
                    assertTrue(page.list().length <= size, "a page of " + size + " bytes");
                    dumped.addAll(elementsOf(MetadataList.sequencesOf(page.list())));
                    next = page.nextFieldId();
                    assertStatus(next == FieldId.NULL ? StatusCode.TDX_SUCCESS.value()
                            : StatusCode.TDX_METADATA_LIST_OVERFLOW.value(), page.status());
                } while (next != FieldId.NULL);
                assertEquals(walk, dumped, "pages of " + size + " bytes");
            }
        }
    }

    @Test
    void aSequenceCutByTheEndOfAPageResumesAsANewSequence() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5).initialized()) {
            GlobalMetadata metadata = s.module.context().metadata;
            // The list header, NUM_PKGS with PKG_FMS (9 fields), then room for VENDOR_ID but not BUILD_DATE.
            MetadataListDump.Page page = MetadataListDump.dump(metadata, metadata.first(), 8 + (8 + 72) + (8 + 8));

            assertStatus(StatusCode.TDX_METADATA_LIST_OVERFLOW.value(), page.status());
            assertEquals(0x8800000200000001L, page.nextFieldId());
            List<MetadataList.Sequence> sequences = MetadataList.sequencesOf(page.list());
            assertEquals(0x0800000200000000L, sequences.get(1).header().raw());

            MetadataListDump.Page resumed = MetadataListDump.dump(metadata,
                    metadata.find(new FieldId(page.nextFieldId())).orElseThrow(), PAGE);
            assertEquals(0x8800000200000001L, MetadataList.sequencesOf(resumed.list()).get(0).header().raw());
        }
    }

    @Test
    void aBufferTooSmallForTheLargestFieldIsABug() {
        try (MetadataTestSupport s = new MetadataTestSupport(SETTINGS_1_5)) {
            GlobalMetadata metadata = s.module.context().metadata;
            assertEquals(32, MetadataListDump.MIN_BUFFER_BYTES);
            assertThrows(IllegalArgumentException.class, () -> MetadataListDump.dump(metadata, metadata.first(), 31));
        }
    }
}
