package org.tdxemu.seamcall.leaf;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SEAMCALL leaves tdxemu knows by number and name (kernel-init.md §2.7, module-abi.md §4).
 * A leaf number outside this set is still a valid RAX value: the module answers it as an unknown
 * leaf.
 */
public enum Leaf {
    TDH_PHYMEM_PAGE_RDMD(24, "TDH.PHYMEM.PAGE.RDMD"),
    TDH_PHYMEM_PAGE_RECLAIM(28, "TDH.PHYMEM.PAGE.RECLAIM"),
    TDH_SYS_KEY_CONFIG(31, "TDH.SYS.KEY.CONFIG"),
    TDH_SYS_INFO(32, "TDH.SYS.INFO"),
    TDH_SYS_INIT(33, "TDH.SYS.INIT"),
    TDH_SYS_RD(34, "TDH.SYS.RD"),
    TDH_SYS_LP_INIT(35, "TDH.SYS.LP.INIT"),
    TDH_SYS_TDMR_INIT(36, "TDH.SYS.TDMR.INIT"),
    TDH_SYS_RDALL(37, "TDH.SYS.RDALL"),
    TDH_PHYMEM_CACHE_WB(40, "TDH.PHYMEM.CACHE.WB"),
    TDH_SYS_LP_SHUTDOWN(44, "TDH.SYS.LP.SHUTDOWN"),
    TDH_SYS_CONFIG(45, "TDH.SYS.CONFIG"),
    TDH_SYS_SHUTDOWN(52, "TDH.SYS.SHUTDOWN"),
    TDH_SYS_UPDATE(53, "TDH.SYS.UPDATE"),
    TDH_SYS_DISABLE(69, "TDH.SYS.DISABLE");

    /** Indexed by leaf number: every SEAMCALL looks its leaf up, so a map's boxing and probing would show. */
    private static final Leaf[] BY_NUMBER = new Leaf[Arrays.stream(values()).mapToInt(Leaf::number).max().orElse(0) + 1];
    private static final Map<String, Leaf> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Leaf::architecturalName, Function.identity()));

    static {
        for (Leaf leaf : values()) {
            BY_NUMBER[leaf.number] = leaf;
        }
    }

    private final int number;
    private final String architecturalName;
    private final long rax;

    Leaf(int number, String architecturalName) {
        this.number = number;
        this.architecturalName = architecturalName;
        this.rax = LeafSelector.encode(number, 0);
    }

    /** The leaf number, RAX bits 15:0. */
    public int number() {
        return number;
    }

    /** The name the specification and the kernel use, e.g. {@code TDH.SYS.CONFIG}. */
    public String architecturalName() {
        return architecturalName;
    }

    /** The RAX input that selects this leaf at version 0, as every init leaf is called. */
    public long rax() {
        return rax;
    }

    public static Optional<Leaf> ofNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /** Looks a leaf up by its architectural name ({@code TDH.SYS.CONFIG}). */
    public static Optional<Leaf> ofName(String architecturalName) {
        return Optional.ofNullable(BY_NAME.get(architecturalName));
    }

    @Override
    public String toString() {
        return architecturalName;
    }
}
