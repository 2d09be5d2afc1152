package org.tdxemu.scenarios.spec;

import java.util.Map;
import java.util.OptionalInt;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.register.Gpr;

/**
 * One fault to inject: the {@code occurrence}-th call of {@code leaf} (counted on {@code cpu} when
 * given) and the {@code repeat} − 1 matching calls after it are answered with {@code status} and
 * the output registers {@code out}. {@link Mode#INSTEAD} answers without the module seeing the
 * call; {@link Mode#AFTER} lets the module run it first and then overrides its answer.
 */
public record FaultSpec(Leaf leaf, int occurrence, OptionalInt cpu, long status, int repeat, Map<Gpr, Long> out,
                        Mode mode) {

    public enum Mode { INSTEAD, AFTER }

    public FaultSpec {
        out = Map.copyOf(out);
    }
}
