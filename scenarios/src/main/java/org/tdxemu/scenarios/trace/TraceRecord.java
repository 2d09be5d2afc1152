package org.tdxemu.scenarios.trace;

import java.util.Map;
import org.tdxemu.scenarios.spec.ModuleSpec;
import org.tdxemu.scenarios.spec.PlatformSpec;
import org.tdxemu.seamcall.register.Gpr;

/** One line of a trace file, read and validated. {@code line} is its 1-based line number. */
public sealed interface TraceRecord {

    int line();

    record PlatformLine(int line, PlatformSpec platform, ModuleSpec module) implements TraceRecord {
    }

    record Write(int line, long pa, byte[] bytes) implements TraceRecord {
    }

    /**
     * @param in  every input register but RAX; an absent one was 0
     * @param out the registers to compare after the call
     */
    record Call(int line, int cpu, long rax, Map<Gpr, Long> in, long status, Map<Gpr, Long> out)
            implements TraceRecord {
        public Call {
            in = Map.copyOf(in);
            out = Map.copyOf(out);
        }
    }

    /** The last record: how many SEAMCALL records came before it, so that a cut trace cannot pass as whole. */
    record End(int line, long seamcalls) implements TraceRecord {
    }
}
