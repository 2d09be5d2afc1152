package org.tdxemu.emulator.platform;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tdxemu.seamcall.memory.Range;

/**
 * What firmware and MCHECK give the TDX module: the logical CPUs and their packages, the CMR
 * list, the KeyID partitioning, SEAMRR, the SMRRs, and any defect SYS.INIT or LP.INIT would
 * detect. Immutable; build one with {@link #builder()}.
 */
public record Platform(List<LogicalCpu> cpus, List<Cmr> cmrs, PlatformKeyIds keyIds, Range seamrr,
                       boolean smrrSupported, boolean smrrLockSupported, List<Smrr> smrrs,
                       List<PlatformDefect> defects, int cpuidFms) {

    /** MCHECK's CMR table has 32 slots. */
    public static final int MAX_CMRS = 32;

    public Platform {
        cpus = List.copyOf(cpus);
        cmrs = List.copyOf(cmrs);
        smrrs = List.copyOf(smrrs);
        defects = List.copyOf(defects);
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("a platform needs at least one logical CPU");
        }
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < cpus.size(); i++) {
            if (cpus.get(i).id() != i || !ids.add(cpus.get(i).id())) {
                throw new IllegalArgumentException("logical CPUs must be numbered 0 … n-1 in order; found "
                        + cpus.get(i).id() + " at position " + i);
            }
        }
        if (cmrs.size() > MAX_CMRS) {
            throw new IllegalArgumentException("at most " + MAX_CMRS + " CMRs: " + cmrs.size());
        }
    }

    /** MCHECK's tot_num_lps: every logical CPU, online or not. */
    public int lpCount() {
        return cpus.size();
    }

    /** MCHECK's tot_num_sockets: the number of distinct package IDs. */
    public int packageCount() {
        return (int) cpus.stream().mapToInt(LogicalCpu::packageId).distinct().count();
    }

    /** The width of the addresses memory decodes: 52 minus the KeyID bits. */
    public int memoryAddressBits() {
        return keyIds.hkidStartBit();
    }

    /** The CMR list padded with null slots to MCHECK's 32. */
    public List<Cmr> cmrSlots() {
        List<Cmr> slots = new ArrayList<>(cmrs);
        while (slots.size() < MAX_CMRS) {
            slots.add(new Cmr(0, 0));
        }
        return slots;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 1 package of 4 CPUs, KeyIDs 31 MKTME + 32 TDX in 6 bits, no SEAMRR, no SMRR, no defect. */
    public static final class Builder {
        private List<LogicalCpu> cpus = uniform(1, 4);
        private List<Cmr> cmrs = List.of();
        private PlatformKeyIds keyIds = new PlatformKeyIds(31, 32, 6);
        private Range seamrr = new Range(0, 0);
        private boolean smrrSupported = true;
        private boolean smrrLockSupported = true;
        private List<Smrr> smrrs = List.of();
        private List<PlatformDefect> defects = List.of();
        private int cpuidFms = 0x806F8;

        /** {@code packages × cpusPerPackage} CPUs; CPU n is in package n / cpusPerPackage. */
        public static List<LogicalCpu> uniform(int packages, int cpusPerPackage) {
            List<LogicalCpu> cpus = new ArrayList<>();
            for (int n = 0; n < packages * cpusPerPackage; n++) {
                cpus.add(new LogicalCpu(n, n / cpusPerPackage));
            }
            return cpus;
        }

        public Builder cpus(int packages, int cpusPerPackage) {
            this.cpus = uniform(packages, cpusPerPackage);
            return this;
        }

        public Builder cpus(List<LogicalCpu> cpus) {
            this.cpus = cpus;
            return this;
        }

        public Builder cmrs(List<Cmr> cmrs) {
            this.cmrs = cmrs;
            return this;
        }

        /** CMRs from ranges, e.g. {@code new Range(0x100000, 0x77800000)}. */
        public Builder cmrRanges(List<Range> ranges) {
            this.cmrs = ranges.stream().map(r -> new Cmr(r.start(), r.size())).toList();
            return this;
        }

        public Builder keyIds(PlatformKeyIds keyIds) {
            this.keyIds = keyIds;
            return this;
        }

        public Builder seamrr(Range seamrr) {
            this.seamrr = seamrr;
            return this;
        }

        public Builder smrrSupport(boolean supported, boolean lockSupported) {
            this.smrrSupported = supported;
            this.smrrLockSupported = lockSupported;
            return this;
        }

        public Builder smrrs(List<Smrr> smrrs) {
            this.smrrs = smrrs;
            return this;
        }

        public Builder defects(List<PlatformDefect> defects) {
            this.defects = defects;
            return this;
        }

        /** CPUID(1).EAX of every package, reported as PKG_FMS. */
        public Builder cpuidFms(int cpuidFms) {
            this.cpuidFms = cpuidFms;
            return this;
        }

        public Platform build() {
            return new Platform(cpus, cmrs, keyIds, seamrr, smrrSupported, smrrLockSupported, smrrs, defects,
                    cpuidFms);
        }
    }
}
