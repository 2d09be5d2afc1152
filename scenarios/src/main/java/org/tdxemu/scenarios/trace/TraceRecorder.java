package org.tdxemu.scenarios.trace;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HexFormat;
import org.tdxemu.seamcall.Seamcall;
import org.tdxemu.seamcall.leaf.Leaf;
import org.tdxemu.seamcall.leaf.LeafSelector;
import org.tdxemu.seamcall.memory.PhysicalMemory;
import org.tdxemu.seamcall.register.Gpr;
import org.tdxemu.seamcall.register.RegisterFile;

/**
 * Records a run as JSON Lines (DESIGN.md, "Trace format"): the platform and module objects first,
 * then, in the order they happen, every host write the module may read and every SEAMCALL the
 * module answered, with its registers in and the registers it changed; {@link #end()} closes it with
 * the count of SEAMCALLs, so that a trace cut short cannot pass for a whole one.
 *
 * <p>Host writes are recorded through {@link #memory(PhysicalMemory)} and merged while they
 * continue one another (a TDMR_INFO written field by field is one record). A fresh platform's
 * memory reads zero, so zero fills larger than {@link #LARGEST_RECORDED_FILL} (the PAMT reset on
 * an error path) are left out; every other write is kept byte for byte.
 */
public final class TraceRecorder {

    /** Zero fills up to this size are recorded; larger ones only clear what a fresh platform never wrote. */
    public static final long LARGEST_RECORDED_FILL = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final Writer out;
    private long pendingPa;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long seamcalls;

    public TraceRecorder(Writer out, ObjectNode platform, ObjectNode module) {
        this.out = out;
        ObjectNode first = JSON.createObjectNode();
        first.put("type", "platform");
        first.set("platform", platform);
        first.set("module", module);
        line(first);
    }

    /** The module behind {@code module}, recorded. */
    public Seamcall seamcall(Seamcall module) {
        return (cpu, registers) -> {
            flushWrite();
            RegisterFile in = registers.copy();
            long status = module.call(cpu, registers);
            ObjectNode call = JSON.createObjectNode();
            call.put("type", "seamcall");
            call.put("cpu", cpu);
            call.put("leaf", LeafSelector.decode(in.rax()).leaf().map(Leaf::architecturalName)
                    .orElse("unknown"));
            call.put("rax", hex(in.rax()));
            ObjectNode inputs = call.putObject("in");
            ObjectNode outputs = JSON.createObjectNode();
            for (Gpr r : Gpr.values()) {
                if (r == Gpr.RAX) {
                    continue;
                }
                if (in.get(r) != 0) {
                    inputs.put(r.lowerCaseName(), hex(in.get(r)));
                }
                if (registers.get(r) != in.get(r)) {
                    outputs.put(r.lowerCaseName(), hex(registers.get(r)));
                }
            }
            call.put("status", hex(status));
            call.set("out", outputs);
            line(call);
            seamcalls++;
            return status;
        };
    }

    /** Host memory whose writes are recorded. */
    public PhysicalMemory memory(PhysicalMemory memory) {
        return new RecordingMemory(memory, this);
    }

    void written(long pa, byte[] bytes, int offset, int length) {
        if (pending.size() > 0 && pa != pendingPa + pending.size()) {
            flushWrite();
        }
        if (pending.size() == 0) {
            pendingPa = pa;
        }
        pending.write(bytes, offset, length);
    }

    /** Writes out the host write being merged, if any. */
    public void flushWrite() {
        if (pending.size() == 0) {
            return;
        }
        ObjectNode write = JSON.createObjectNode();
        write.put("type", "write");
        write.put("pa", hex(pendingPa));
        write.put("hex", HEX.formatHex(pending.toByteArray()));
        pending.reset();
        line(write);
    }

    /** Ends the trace: the host write being merged, then the end record. Nothing may be recorded after it. */
    public void end() {
        flushWrite();
        ObjectNode end = JSON.createObjectNode();
        end.put("type", "end");
        end.put("seamcalls", seamcalls);
        line(end);
    }

    private void line(ObjectNode node) {
        try {
            out.write(JSON.writeValueAsString(node));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trace", e);
        }
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
