package org.tdxemu.emulator.module;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdmrInfo;

/**
 * One TDMR_INFO entry as TDH.SYS.CONFIG copies it out of host memory before checking it: the
 * header and all 16 reserved-area slots, raw (module-abi.md §4.4 step 1, §5.3). Nothing here is
 * validated; the values are what the host wrote, or all ones where no memory answered.
 */
final class TdmrInfoCopy {

    private static final int WORDS = TdmrInfo.MODULE_BYTES / Long.BYTES;

    /** The entry as 64-bit words; word k is the field at byte offset 8k. */
    private final long[] words;

    private TdmrInfoCopy(long[] words) {
        this.words = words;
    }

    static TdmrInfoCopy read(ModuleMemory memory, long pa) {
        long[] words = new long[WORDS];
        byte[] bytes = memory.read(pa, TdmrInfo.MODULE_BYTES);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
        return new TdmrInfoCopy(words);
    }

    private long at(int byteOffset) {
        return words[byteOffset / Long.BYTES];
    }

    long base() {
        return at(TdmrInfo.BASE);
    }

    long size() {
        return at(TdmrInfo.SIZE);
    }

    long pamtBase(PageSize pageSize) {
        return at(TdmrInfo.pamtBaseOffset(pageSize));
    }

    long pamtSize(PageSize pageSize) {
        return at(TdmrInfo.pamtSizeOffset(pageSize));
    }

    long reservedOffset(int area) {
        return at(TdmrInfo.reservedOffsetOffset(area));
    }

    long reservedSize(int area) {
        return at(TdmrInfo.reservedSizeOffset(area));
    }

    /** The table entry CONFIG records for an accepted TDMR (module-abi.md §4.4 step 8). */
    TdmrEntry toEntry() {
        long[] offsets = new long[TdmrInfo.MODULE_RESERVED_AREAS];
        long[] sizes = new long[TdmrInfo.MODULE_RESERVED_AREAS];
        int leading = -1;
        for (int j = 0; j < offsets.length; j++) {
            offsets[j] = reservedOffset(j);
            sizes[j] = reservedSize(j);
            if (sizes[j] == 0 && leading < 0) {
                leading = j;
            }
        }
        return new TdmrEntry(base(), size(), pamtBase(PageSize.SIZE_4K), pamtBase(PageSize.SIZE_2M),
                pamtBase(PageSize.SIZE_1G), offsets, sizes, leading < 0 ? offsets.length : leading);
    }
}
