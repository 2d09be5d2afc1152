package org.tdxemu.emulator.module.leaf;

import org.tdxemu.emulator.module.ModuleSettings;
import org.tdxemu.emulator.module.state.LogicalProcessor;
import org.tdxemu.emulator.module.state.ModuleContext;
import org.tdxemu.emulator.module.state.ModuleMemory;
import org.tdxemu.emulator.module.state.TdmrEntry;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.PageType;
import org.tdxemu.seamcall.layout.PamtEntry;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.Operand;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * TDH.SYS.TDMR.INIT, leaf 36: initialize the next 1024 4K-level PAMT entries, 4 MiB of one TDMR
 * (module-abi.md §4.6); under Dynamic PAMT the next 4096 pages' bits of the 4K-level bitmap, 16 MiB
 * of the TDMR (dynamic-pamt.md §2.4). RCX is the TDMR's base; RDX returns the next address to
 * initialize, rounded down to 1G, or 0. Runs without the global lock: different TDMRs in parallel,
 * the same TDMR behind its try-mutex.
 *
 * <p>Entries are located with the PAMT entry sizes the module reports, as CONFIG sized the PAMTs
 * with them; the page type is byte {@link PamtEntry#PAGE_TYPE} of an entry, every other byte 0.
 * Writes go through the global private HKID. The 4K entries of one call are written as runs:
 * zero fills for PT_NDA (which cost nothing on memory never written) and fills with the PT_RSVD
 * entry as a repeated pattern (whose whole pages host memory may share), the runs found by
 * intersecting the call's 4 MiB with the sorted reserved areas. The 2M and 1G entries are written
 * as the module does: a cacheline-aligned entry zeroes its whole 64-byte line, then every entry gets
 * its page type. A bitmap's bits are written 0, reserved pages' too: the reference does not say
 * what the module writes there, and no host reads it at initialization.
 */
final class SysTdmrInit implements LeafHandler {

    /** TDMR_4K_PAMT_INIT_COUNT: 4K entries per call. */
    static final int ENTRIES_PER_CALL = 1024;
    /** Under Dynamic PAMT, the 4 KiB pages whose bitmap bits one call initializes. */
    static final int DYNAMIC_PAMT_PAGES_PER_CALL = 4096;
    private static final long ALIGN_1G = PageSize.SIZE_1G.bytes();
    private static final int CACHELINE = 64;

    private final int entrySize4k;
    private final int entrySize2m;
    private final int entrySize1g;
    /** One PT_RSVD 4K entry. */
    private final byte[] reservedEntry;

    SysTdmrInit(ModuleSettings settings) {
        this.entrySize4k = settings.pamt4kEntrySize();
        this.entrySize2m = settings.pamt2mEntrySize();
        this.entrySize1g = settings.pamt1gEntrySize();
        this.reservedEntry = new byte[entrySize4k];
        reservedEntry[PamtEntry.PAGE_TYPE] = (byte) PageType.PT_RSVD.code();
    }

    @Override
    public long execute(ModuleContext module, LogicalProcessor lp, RegisterFile registers) {
        long tdmrBase = registers.rcx();
        registers.set(Gpr.RDX, 0);
        if ((tdmrBase & (ALIGN_1G - 1)) != 0 || !module.isPlainPhysical(tdmrBase)) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        TdmrEntry tdmr = configuredTdmr(module, tdmrBase);
        if (tdmr == null) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (!tdmr.lock.compareAndSet(false, true)) {
            return Statuses.operandBusy(Operand.RCX);
        }
        try {
            long next = tdmr.next();
            if (Long.compareUnsigned(next, tdmr.end()) >= 0) {
                return StatusCode.TDX_TDMR_ALREADY_INITIALIZED.value();
            }
            long pages = module.dynamicPamt ? DYNAMIC_PAMT_PAGES_PER_CALL : ENTRIES_PER_CALL;
            initializePamt(module, tdmr, next - tdmr.base, pages);
            next += pages << PageSize.SIZE_4K.shift();
            tdmr.advanceTo(next);
            registers.set(Gpr.RDX, next & ~(ALIGN_1G - 1));
            return StatusCode.TDX_SUCCESS.value();
        } finally {
            tdmr.lock.set(false);
        }
    }

    private static TdmrEntry configuredTdmr(ModuleContext module, long base) {
        int count = module.tdmrCount;
        for (int k = 0; k < count; k++) {
            if (module.tdmrTable[k].base == base) {
                return module.tdmrTable[k];
            }
        }
        return null;
    }

    /** The PAMT entries for {@code pages} 4 KiB pages of the TDMR from {@code offset}. */
    private void initializePamt(ModuleContext module, TdmrEntry tdmr, long offset, long pages) {
        long hkidBits = (long) module.hkid << module.keyIds().hkidStartBit();
        if (module.dynamicPamt) {
            initializeBitmap(module.memory, tdmr, offset, pages, hkidBits);
        } else {
            initialize4kEntries(module.memory, tdmr, offset, hkidBits);
        }
        long bytes = pages << PageSize.SIZE_4K.shift();
        initializeNodes(module.memory, tdmr.pamtBase(PageSize.SIZE_2M) | hkidBits, entrySize2m, offset, bytes,
                PageSize.SIZE_2M);
        initializeNodes(module.memory, tdmr.pamtBase(PageSize.SIZE_1G) | hkidBits, entrySize1g, offset, bytes,
                PageSize.SIZE_1G);
    }

    /** The bitmap's bits of those pages, all 0; a call's pages start on a byte of the bitmap. */
    private static void initializeBitmap(ModuleMemory memory, TdmrEntry tdmr, long offset, long pages,
                                         long hkidBits) {
        long firstPage = offset >>> PageSize.SIZE_4K.shift();
        memory.fill((tdmr.pamtBase(PageSize.SIZE_4K) | hkidBits) + firstPage / Byte.SIZE, pages / Byte.SIZE, (byte) 0);
    }

    /** PT_RSVD for the pages in a reserved area of this TDMR, PT_NDA for the others. */
    private void initialize4kEntries(ModuleMemory memory, TdmrEntry tdmr, long offset, long hkidBits) {
        int pageShift = PageSize.SIZE_4K.shift();
        long pamt = tdmr.pamtBase(PageSize.SIZE_4K) | hkidBits;
        long first = offset >>> pageShift;
        long limit = first + ENTRIES_PER_CALL;
        long cursor = first;
        for (int j = 0; j < tdmr.reservedCount && cursor < limit; j++) {
            long areaFirst = tdmr.reservedOffsets[j] >>> pageShift;
            long areaLimit = (tdmr.reservedOffsets[j] + tdmr.reservedSizes[j]) >>> pageShift;
            if (areaLimit <= cursor) {
                continue;
            }
            if (areaFirst >= limit) {
                break;
            }
            long from = Math.max(areaFirst, cursor);
            long to = Math.min(areaLimit, limit);
            writeNonReserved(memory, pamt + cursor * entrySize4k, (from - cursor) * entrySize4k);
            writeReserved(memory, pamt + from * entrySize4k, (to - from) * entrySize4k);
            cursor = to;
        }
        writeNonReserved(memory, pamt + cursor * entrySize4k, (limit - cursor) * entrySize4k);
    }

    /** An all-zero entry is PT_NDA. */
    private static void writeNonReserved(ModuleMemory memory, long pa, long length) {
        memory.fill(pa, length, (byte) 0);
    }

    private void writeReserved(ModuleMemory memory, long pa, long length) {
        memory.fill(pa, length, reservedEntry);
    }

    /**
     * The 2M or 1G entries whose whole range the call's {@code bytes} from {@code offset} complete
     * or start: two 2M entries per 4 MiB call; the 1G entry on the call that finishes its GiB
     * (pamt_nodes_init).
     */
    private static void initializeNodes(ModuleMemory memory, long pamt, int entrySize, long offset, long bytes,
                                        PageSize ps) {
        long firstNode = offset >>> ps.shift();
        long nodes = ((offset + bytes) >>> ps.shift()) - firstNode;
        for (long n = 0; n < nodes; n++) {
            long entry = pamt + (firstNode + n) * entrySize;
            if (entry % CACHELINE == 0) {
                memory.fill(entry, CACHELINE, (byte) 0);
            }
            memory.write8(entry + PamtEntry.PAGE_TYPE, PageType.PT_NDA.code());
        }
    }
}
