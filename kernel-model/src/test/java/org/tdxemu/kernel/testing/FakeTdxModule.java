package org.tdxemu.kernel.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.tdxemu.kernel.host.Cpu;
import org.tdxemu.kernel.host.HostConfig;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.layout.CmrInfoArray;
import org.tdxemu.seamcall.layout.PageSize;
import org.tdxemu.seamcall.layout.TdSysInfo;
import org.tdxemu.seamcall.layout.TdmrInfo;
import org.tdxemu.seamcall.layout.TdmrPointerArray;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.memory.Range;
import org.tdxemu.seamcall.metadata.SysField;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;
import org.tdxemu.seamcall.status.StatusCode;
import org.tdxemu.seamcall.status.Statuses;

/**
 * A small TDX module for driving the kernel model in tests, until the emulated one lands. It
 * answers each init leaf as module-abi.md §4 says (1.5.05 behaviour): the state machine, the LP
 * and package bookkeeping, TDH.SYS.RD from a field table, TDH.SYS.INFO writing TDSYSINFO_STRUCT and
 * CMR_INFO into memory, TDH.SYS.CONFIG reading the TDMRs from memory with the checks that matter
 * for the kernel's plan, and TDH.SYS.TDMR.INIT advancing 4 MiB a call with RDX rounded down to
 * 1 GiB. It is not the emulator: lock contention, platform checks and most operand checks are
 * left out.
 *
 * <p>Every call is recorded. Rules answer chosen calls with a chosen status instead of running the
 * leaf, or adjust the registers a leaf returned.
 */
public final class FakeTdxModule implements Seamcall {

    private static final long GIB = 1L << 30;
    private static final long TDMR_INIT_STEP = 4L << 20;
    /** Under Dynamic PAMT a call covers four times as much (dynamic-pamt.md §2.4). */
    private static final long DYNAMIC_PAMT_TDMR_INIT_STEP = 16L << 20;
    /** TDH.SYS.CONFIG's R8 bit 16, taken on a module with Dynamic PAMT. */
    private static final long ENABLE_DYNAMIC_PAMT = 1L << 16;
    /** PAMT_PAGE_BITMAP_ENTRY_BITS under the ID Linux reads it by; this fake looks fields up by the whole ID. */
    public static final long PAMT_PAGE_BITMAP_ENTRY_BITS_AS_READ = 0x9100000100000013L;

    /** One SEAMCALL as it came in and went out. */
    public record Call(int cpu, long rax, long rcx, long rdx, long r8, long r9, long status, long rdxOut) {

        public Leaf leaf() {
            return LeafSelector.decode(rax).leaf().orElseThrow();
        }
    }

    private enum State { SYSINIT_PENDING, SYSINIT_DONE, SYSCONFIG_DONE, SYS_READY }

    private record ConfiguredTdmr(long base, long size, long[] next) {
    }

    /** A scripted answer: calls {@code first} … {@code first + count - 1} of {@code leaf} (on {@code cpu}, if given). */
    private record Rule(Leaf leaf, Optional<Integer> cpu, int first, int count, Optional<Long> status,
                        Consumer<RegisterFile> adjust) {
    }

    private final PhysicalMemory memory;
    private final Map<Integer, Integer> lpPackages = new LinkedHashMap<>();
    private final int packageCount;
    private final List<Range> cmrs;
    private final long hkidMin;
    private final long hkidMax;
    private final Map<Long, Long> fields = new LinkedHashMap<>();

    private State state = State.SYSINIT_PENDING;
    private boolean dynamicPamt;
    private long tdmrInitStep = TDMR_INIT_STEP;
    private final Set<Integer> lpInitialized = new HashSet<>();
    private final Set<Integer> packagesConfigured = new HashSet<>();
    private final List<ConfiguredTdmr> tdmrs = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Map<Leaf, Integer> callsByLeaf = new HashMap<>();
    private final Map<String, Integer> callsByLeafAndCpu = new HashMap<>();

    /**
     * A module on {@code host}'s CPUs, every present one counted by MCHECK whether online or not,
     * with {@code cmrs} and the HKIDs the KeyID MSR gives TDX.
     */
    public FakeTdxModule(PhysicalMemory memory, HostConfig host, List<Range> cmrs) {
        this.memory = memory;
        for (Cpu cpu : host.cpus()) {
            lpPackages.put(cpu.id(), cpu.packageId());
        }
        this.packageCount = (int) host.cpus().stream().map(Cpu::packageId).distinct().count();
        this.cmrs = List.copyOf(cmrs);
        this.hkidMin = host.keyIdPartitioning().map(k -> k.mktmeKeyIds() + 1).orElse(1L);
        this.hkidMax = host.keyIdPartitioning().map(k -> k.mktmeKeyIds() + k.tdxKeyIds()).orElse(0L);
        defaultFields();
    }

    private void defaultFields() {
        field(SysField.NUM_PKGS, packageCount);
        field(SysField.VENDOR_ID, 0x8086);
        field(SysField.BUILD_DATE, 20231008);
        field(SysField.BUILD_NUM, 698);
        field(SysField.MINOR_VERSION, 5);
        field(SysField.MAJOR_VERSION, 1);
        field(SysField.UPDATE_VERSION, 5);
        field(SysField.TDX_FEATURES0, 0x1F0EBFL);
        field(SysField.NUM_CMRS, CmrInfoArray.MAX_CMRS);
        for (int i = 0; i < CmrInfoArray.MAX_CMRS; i++) {
            fields.put(SysField.CMR_BASE.id(i, 0).raw(), i < cmrs.size() ? cmrs.get(i).start() : 0);
        }
        for (int i = 0; i < CmrInfoArray.MAX_CMRS; i++) {
            fields.put(SysField.CMR_SIZE.id(i, 0).raw(), i < cmrs.size() ? cmrs.get(i).size() : 0);
        }
        field(SysField.MAX_TDMRS, 64);
        field(SysField.MAX_RESERVED_PER_TDMR, 16);
        field(SysField.PAMT_4K_ENTRY_SIZE, 16);
        field(SysField.PAMT_2M_ENTRY_SIZE, 16);
        field(SysField.PAMT_1G_ENTRY_SIZE, 16);
        field(SysField.TDR_BASE_SIZE, 4096);
        field(SysField.TDCS_BASE_SIZE, 24576);
        field(SysField.TDVPS_BASE_SIZE, 24576);
        field(SysField.ATTRIBUTES_FIXED0, 0x8000000070000001L);
        field(SysField.ATTRIBUTES_FIXED1, 0);
        field(SysField.XFAM_FIXED0, 0x6DBE7);
        field(SysField.XFAM_FIXED1, 0x3);
        cpuidConfigs(2);
        field(SysField.MAX_VCPUS_PER_TD, 576);
    }

    // ---- configuration -----------------------------------------------------------------

    /** Sets a single-element field's value, adding the field if the table lacks it. */
    public FakeTdxModule field(SysField field, long value) {
        fields.put(field.id().raw(), value);
        return this;
    }

    /**
     * A module with Dynamic PAMT: TDX_FEATURES0 bit 36, the bitmap's bits per page (1), R8 bit 16
     * of TDH.SYS.CONFIG, bitmaps for 4K PAMTs and 16 MiB a TDH.SYS.TDMR.INIT.
     */
    public FakeTdxModule withDynamicPamt() {
        dynamicPamt = true;
        field(SysField.TDX_FEATURES0, value(SysField.TDX_FEATURES0) | 1L << 36);
        fields.put(PAMT_PAGE_BITMAP_ENTRY_BITS_AS_READ, 1L);
        return this;
    }

    /** Removes a field, as a module release without it would answer TDX_METADATA_FIELD_ID_INCORRECT. */
    public FakeTdxModule withoutField(SysField field) {
        fields.remove(field.id().raw());
        return this;
    }

    /** NUM_CPUID_CONFIG and as many CPUID_CONFIG_LEAVES and _VALUES. */
    public FakeTdxModule cpuidConfigs(int count) {
        field(SysField.NUM_CPUID_CONFIG, count);
        for (int i = 0; i < count; i++) {
            fields.put(SysField.CPUID_CONFIG_LEAVES.id().plusFieldCode(i).raw(), 0x7L | (long) i << 32);
            fields.put(SysField.CPUID_CONFIG_VALUES.id().plusFieldCode(2 * i).raw(), 0x1000L + i);
            fields.put(SysField.CPUID_CONFIG_VALUES.id().plusFieldCode(2 * i + 1).raw(), 0x2000L + i);
        }
        return this;
    }

    /** Only these LPs are counted by MCHECK; the others do not exist for the module. */
    public FakeTdxModule countOnly(Set<Integer> lps) {
        lpPackages.keySet().retainAll(lps);
        return this;
    }

    // ---- scripting -----------------------------------------------------------------------

    /** The {@code occurrence}-th call of {@code leaf} (from 1) answers {@code status} without running. */
    public FakeTdxModule fail(Leaf leaf, int occurrence, long status) {
        return failRepeatedly(leaf, occurrence, 1, status);
    }

    /** {@code count} consecutive calls of {@code leaf} from the {@code occurrence}-th answer {@code status}. */
    public FakeTdxModule failRepeatedly(Leaf leaf, int occurrence, int count, long status) {
        rules.add(new Rule(leaf, Optional.empty(), occurrence, count, Optional.of(status), r -> { }));
        return this;
    }

    /** The {@code occurrence}-th call of {@code leaf} on {@code cpu} answers {@code status}. */
    public FakeTdxModule failOnCpu(Leaf leaf, int cpu, int occurrence, long status) {
        rules.add(new Rule(leaf, Optional.of(cpu), occurrence, 1, Optional.of(status), r -> { }));
        return this;
    }

    /** The {@code occurrence}-th call of {@code leaf} answers {@code status} with {@code outputs} set, without running. */
    public FakeTdxModule answer(Leaf leaf, int occurrence, long status, Consumer<RegisterFile> outputs) {
        rules.add(new Rule(leaf, Optional.empty(), occurrence, 1, Optional.of(status), outputs));
        return this;
    }

    /** {@code count} calls of {@code leaf} from the {@code occurrence}-th run, then {@code adjust} their outputs. */
    public FakeTdxModule adjust(Leaf leaf, int occurrence, int count, Consumer<RegisterFile> adjust) {
        rules.add(new Rule(leaf, Optional.empty(), occurrence, count, Optional.empty(), adjust));
        return this;
    }

    // ---- what happened -------------------------------------------------------------------

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Leaf leaf) {
        return calls.stream().filter(c -> c.leaf() == leaf).toList();
    }

    /** The leaves called, in order, with consecutive repeats of a leaf on one CPU collapsed. */
    public List<String> callSummary() {
        List<String> summary = new ArrayList<>();
        Call previous = null;
        int repeats = 0;
        for (Call call : calls) {
            if (previous != null && previous.leaf() == call.leaf() && previous.cpu() == call.cpu()) {
                repeats++;
            } else {
                if (previous != null) {
                    summary.add(describe(previous, repeats));
                }
                repeats = 1;
            }
            previous = call;
        }
        if (previous != null) {
            summary.add(describe(previous, repeats));
        }
        return summary;
    }

    private static String describe(Call call, int repeats) {
        return call.leaf().architecturalName() + "@" + call.cpu() + (repeats > 1 ? " x" + repeats : "");
    }

    public Map<Leaf, Long> countByLeaf() {
        return calls.stream().collect(Collectors.groupingBy(Call::leaf, LinkedHashMap::new, Collectors.counting()));
    }

    // ---- the SEAMCALL --------------------------------------------------------------------

    @Override
    public long call(int cpu, RegisterFile registers) {
        RegisterFile in = registers.copy();
        Leaf leaf = LeafSelector.decode(registers.rax()).leaf().orElse(null);
        long status;
        Optional<Rule> rule = leaf == null ? Optional.empty() : matchingRule(leaf, cpu);
        if (rule.isPresent() && rule.get().status.isPresent()) {
            status = rule.get().status.get();
            rule.get().adjust.accept(registers);
        } else {
            status = leaf == null ? Statuses.operandInvalid(Gpr.RAX) : dispatch(leaf, cpu, registers);
            rule.ifPresent(r -> r.adjust.accept(registers));
        }
        registers.set(Gpr.RAX, status);
        calls.add(new Call(cpu, in.rax(), in.rcx(), in.rdx(), in.r8(), in.r9(), status, registers.rdx()));
        return status;
    }

    private Optional<Rule> matchingRule(Leaf leaf, int cpu) {
        int ofLeaf = callsByLeaf.merge(leaf, 1, Integer::sum);
        int onCpu = callsByLeafAndCpu.merge(leaf + "@" + cpu, 1, Integer::sum);
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            int occurrence = rule.cpu.isPresent() ? onCpu : ofLeaf;
            if (rule.leaf == leaf && rule.cpu.map(c -> c == cpu).orElse(true)
                    && occurrence >= rule.first && occurrence < rule.first + rule.count) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    private long dispatch(Leaf leaf, int cpu, RegisterFile r) {
        return switch (leaf) {
            case TDH_SYS_INIT -> sysInit(r);
            case TDH_SYS_LP_INIT -> lpInit(cpu);
            case TDH_SYS_RD -> read(cpu, r);
            case TDH_SYS_INFO -> info(cpu, r);
            case TDH_SYS_CONFIG -> config(r);
            case TDH_SYS_KEY_CONFIG -> keyConfig(cpu);
            case TDH_SYS_TDMR_INIT -> tdmrInit(r);
            case TDH_SYS_LP_SHUTDOWN -> StatusCode.TDX_SUCCESS.value();
            default -> state == State.SYS_READY ? Statuses.operandInvalid(Gpr.RAX) : StatusCode.TDX_SYS_NOT_READY.value();
        };
    }

    private long sysInit(RegisterFile r) {
        long attributes = r.rcx();
        for (Gpr out : new Gpr[] {Gpr.RCX, Gpr.RDX, Gpr.R8, Gpr.R9, Gpr.R10}) {
            r.set(out, 0);
        }
        if (attributes != 0) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (state != State.SYSINIT_PENDING) {
            return StatusCode.TDX_SYS_INIT_NOT_PENDING.value();
        }
        state = State.SYSINIT_DONE;
        return StatusCode.TDX_SUCCESS.value();
    }

    private long lpInit(int cpu) {
        if (state != State.SYSINIT_DONE) {
            return StatusCode.TDX_SYS_LP_INIT_NOT_PENDING.value();
        }
        if (!lpInitialized.add(cpu)) {
            return StatusCode.TDX_SYS_LP_INIT_DONE.value();
        }
        return StatusCode.TDX_SUCCESS.value();
    }

    private long read(int cpu, RegisterFile r) {
        long fieldId = r.rdx();
        r.set(Gpr.RDX, -1L).set(Gpr.R8, 0);
        if (!lpInitialized.contains(cpu)) {
            return StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value();
        }
        Long value = fields.get(fieldId);
        if (value == null) {
            return StatusCode.TDX_METADATA_FIELD_ID_INCORRECT.value();
        }
        r.set(Gpr.R8, value).set(Gpr.RDX, nextField(fieldId));
        return StatusCode.TDX_SUCCESS.value();
    }

    private long nextField(long fieldId) {
        Iterator<Long> ids = fields.keySet().iterator();
        while (ids.hasNext()) {
            if (ids.next() == fieldId) {
                return ids.hasNext() ? ids.next() : -1L;
            }
        }
        return -1L;
    }

    private long info(int cpu, RegisterFile r) {
        long sysinfo = r.rcx();
        long sysinfoBytes = r.rdx();
        long cmrArray = r.r8();
        long cmrEntries = r.r9();
        r.set(Gpr.RDX, 0).set(Gpr.R9, 0);
        if (!lpInitialized.contains(cpu)) {
            return StatusCode.TDX_SYS_LP_INIT_NOT_DONE.value();
        }
        if (sysinfo % TdSysInfo.ALIGNMENT != 0) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (sysinfoBytes < TdSysInfo.BYTES) {
            return Statuses.operandInvalid(Gpr.RDX);
        }
        memory.fill(sysinfo, TdSysInfo.BYTES, (byte) 0);
        if (cmrArray % CmrInfoArray.ALIGNMENT != 0) {
            return Statuses.operandInvalid(Gpr.R8);
        }
        if (cmrEntries < CmrInfoArray.MAX_CMRS) {
            return Statuses.operandInvalid(Gpr.R9);
        }
        TdSysInfo.at(memory, sysinfo).vendorId(value(SysField.VENDOR_ID)).buildDate(value(SysField.BUILD_DATE))
                .buildNum((int) value(SysField.BUILD_NUM)).minorVersion((int) value(SysField.MINOR_VERSION))
                .majorVersion((int) value(SysField.MAJOR_VERSION)).sysRd(1)
                .maxTdmrs((int) value(SysField.MAX_TDMRS)).maxReservedPerTdmr((int) value(SysField.MAX_RESERVED_PER_TDMR))
                .pamtEntrySize((int) value(SysField.PAMT_4K_ENTRY_SIZE)).tdcsBaseSize((int) value(SysField.TDCS_BASE_SIZE))
                .tdvpsBaseSize((int) value(SysField.TDVPS_BASE_SIZE))
                .attributesFixed0(value(SysField.ATTRIBUTES_FIXED0)).attributesFixed1(value(SysField.ATTRIBUTES_FIXED1))
                .xfamFixed0(value(SysField.XFAM_FIXED0)).xfamFixed1(value(SysField.XFAM_FIXED1));
        CmrInfoArray array = CmrInfoArray.at(memory, cmrArray);
        for (int i = 0; i < CmrInfoArray.MAX_CMRS; i++) {
            array.set(i, i < cmrs.size() ? cmrs.get(i).start() : 0, i < cmrs.size() ? cmrs.get(i).size() : 0);
        }
        r.set(Gpr.RDX, TdSysInfo.BYTES).set(Gpr.R9, CmrInfoArray.MAX_CMRS);
        return StatusCode.TDX_SUCCESS.value();
    }

    private long value(SysField field) {
        return fields.getOrDefault(field.id().raw(), 0L);
    }

    private long config(RegisterFile r) {
        if (state != State.SYSINIT_DONE || !lpInitialized.containsAll(lpPackages.keySet())) {
            return StatusCode.TDX_SYS_CONFIG_NOT_PENDING.value();
        }
        long pointers = r.rcx();
        long count = r.rdx();
        boolean enablesDynamicPamt = dynamicPamt && (r.r8() & ENABLE_DYNAMIC_PAMT) != 0;
        long hkid = enablesDynamicPamt ? r.r8() & ~ENABLE_DYNAMIC_PAMT : r.r8();
        if (pointers % TdmrPointerArray.ALIGNMENT != 0) {
            return Statuses.operandInvalid(Gpr.RCX);
        }
        if (count < 1 || count > value(SysField.MAX_TDMRS)) {
            return Statuses.operandInvalid(Gpr.RDX);
        }
        if (hkid >>> 16 != 0 || hkid < hkidMin || hkid > hkidMax) {
            return Statuses.operandInvalid(Gpr.R8);
        }
        List<TdmrInfo> infos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long pa = TdmrPointerArray.at(memory, pointers).get(i);
            if (pa % TdmrInfo.ALIGNMENT != 0) {
                return Statuses.operandInvalid(Gpr.RCX);
            }
            infos.add(TdmrInfo.at(memory, pa));
        }
        long status = TdmrChecks.check(infos, cmrs, enablesDynamicPamt);
        if (status != StatusCode.TDX_SUCCESS.value()) {
            return status;
        }
        for (TdmrInfo info : infos) {
            tdmrs.add(new ConfiguredTdmr(info.base(), info.size(), new long[] {info.base()}));
        }
        tdmrInitStep = enablesDynamicPamt ? DYNAMIC_PAMT_TDMR_INIT_STEP : TDMR_INIT_STEP;
        state = State.SYSCONFIG_DONE;
        return StatusCode.TDX_SUCCESS.value();
    }

    private long keyConfig(int cpu) {
        if (state != State.SYSCONFIG_DONE) {
            return StatusCode.TDX_SYS_KEY_CONFIG_NOT_PENDING.value();
        }
        Integer packageId = java.util.Objects.requireNonNull(lpPackages.get(cpu), () -> "LP " + cpu + " is not counted");
        if (!packagesConfigured.add(packageId)) {
            return StatusCode.TDX_KEY_CONFIGURED.value();
        }
        if (packagesConfigured.size() == packageCount) {
            state = State.SYS_READY;
        }
        return StatusCode.TDX_SUCCESS.value();
    }

    private long tdmrInit(RegisterFile r) {
        if (state != State.SYS_READY) {
            return StatusCode.TDX_SYS_NOT_READY.value();
        }
        long base = r.rcx();
        r.set(Gpr.RDX, 0);
        for (ConfiguredTdmr tdmr : tdmrs) {
            if (tdmr.base == base) {
                if (tdmr.next[0] >= tdmr.base + tdmr.size) {
                    return StatusCode.TDX_TDMR_ALREADY_INITIALIZED.value();
                }
                tdmr.next[0] += tdmrInitStep;
                r.set(Gpr.RDX, tdmr.next[0] & -GIB);
                return StatusCode.TDX_SUCCESS.value();
            }
        }
        return Statuses.operandInvalid(Gpr.RCX);
    }

    /** TDH.SYS.CONFIG's per-TDMR checks that a kernel plan can trip (module-abi.md §4.4). */
    private static final class TdmrChecks {

        private TdmrChecks() {
        }

        static long check(List<TdmrInfo> infos, List<Range> cmrs, boolean bitmaps) {
            List<List<Range>> available = new ArrayList<>();
            for (int i = 0; i < infos.size(); i++) {
                TdmrInfo t = infos.get(i);
                if (i > 0 && t.base() < infos.get(i - 1).base() + infos.get(i - 1).size()) {
                    return Statuses.tdmr(StatusCode.TDX_NON_ORDERED_TDMR, i);
                }
                if (t.base() % GIB != 0 || t.size() % GIB != 0 || t.size() == 0) {
                    return Statuses.tdmr(StatusCode.TDX_INVALID_TDMR, i);
                }
                long areaStatus = checkReservedAreas(t, i);
                if (areaStatus != 0) {
                    return areaStatus;
                }
                for (PageSize ps : new PageSize[] {PageSize.SIZE_1G, PageSize.SIZE_2M, PageSize.SIZE_4K}) {
                    long pages = t.size() >>> ps.shift();
                    long minimum = bitmaps && ps == PageSize.SIZE_4K ? pages / Byte.SIZE : pages * 16;
                    if (t.pamtBase(ps) % 4096 != 0 || t.pamtSize(ps) % 4096 != 0 || t.pamtSize(ps) < minimum
                            || t.pamtSize(ps) == 0) {
                        return Statuses.pamt(StatusCode.TDX_INVALID_PAMT, i, ps);
                    }
                }
                available.add(availableAreas(t));
            }
            for (int i = 0; i < infos.size(); i++) {
                for (PageSize ps : PageSize.values()) {
                    Range pamt = Range.ofSize(infos.get(i).pamtBase(ps), infos.get(i).pamtSize(ps));
                    for (int j = 0; j < infos.size(); j++) {
                        for (PageSize other : PageSize.values()) {
                            Range otherPamt = Range.ofSize(infos.get(j).pamtBase(other), infos.get(j).pamtSize(other));
                            if ((j != i || other != ps) && pamt.overlaps(otherPamt)) {
                                return Statuses.pamtOverlap(i, ps, j);
                            }
                        }
                        for (Range area : available.get(j)) {
                            if (pamt.overlaps(area)) {
                                return Statuses.pamtOverlap(i, ps, j);
                            }
                        }
                    }
                    if (!insideCmrs(pamt, cmrs)) {
                        return Statuses.pamt(StatusCode.TDX_PAMT_OUTSIDE_CMRS, i, ps);
                    }
                }
                for (Range area : available.get(i)) {
                    if (!insideCmrs(area, cmrs)) {
                        return Statuses.tdmr(StatusCode.TDX_TDMR_OUTSIDE_CMRS, i);
                    }
                }
            }
            return StatusCode.TDX_SUCCESS.value();
        }

        private static long checkReservedAreas(TdmrInfo t, int i) {
            long previousEnd = 0;
            boolean sawNull = false;
            for (int j = 0; j < TdmrInfo.MODULE_RESERVED_AREAS; j++) {
                long offset = t.reservedOffset(j);
                long size = t.reservedSize(j);
                if (size == 0) {
                    sawNull = true;
                    continue;
                }
                if (sawNull || (j > 0 && offset < previousEnd)) {
                    return Statuses.reservedArea(StatusCode.TDX_NON_ORDERED_RESERVED_IN_TDMR, i, j);
                }
                if (offset % 4096 != 0 || size % 4096 != 0 || offset + size > t.size()) {
                    return Statuses.reservedArea(StatusCode.TDX_INVALID_RESERVED_IN_TDMR, i, j);
                }
                previousEnd = offset + size;
            }
            return 0;
        }

        private static List<Range> availableAreas(TdmrInfo t) {
            List<Range> areas = new ArrayList<>();
            long cursor = t.base();
            for (int j = 0; j < TdmrInfo.MODULE_RESERVED_AREAS && t.reservedSize(j) != 0; j++) {
                long start = t.base() + t.reservedOffset(j);
                if (start > cursor) {
                    areas.add(new Range(cursor, start));
                }
                cursor = start + t.reservedSize(j);
            }
            if (cursor < t.base() + t.size()) {
                areas.add(new Range(cursor, t.base() + t.size()));
            }
            return areas;
        }

        /** Inside one CMR, or one chain of exactly adjacent CMRs. */
        private static boolean insideCmrs(Range range, List<Range> cmrs) {
            long mergedStart = -1;
            long mergedEnd = -1;
            for (Range cmr : cmrs) {
                if (cmr.start() != mergedEnd) {
                    mergedStart = cmr.start();
                }
                mergedEnd = cmr.end();
                if (range.start() >= mergedStart && range.end() <= mergedEnd) {
                    return true;
                }
            }
            return false;
        }
    }
}
