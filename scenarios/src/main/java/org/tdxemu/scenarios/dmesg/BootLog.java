package org.tdxemu.scenarios.dmesg;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tdxemu.scenarios.dmesg.LineReader.Read;
import org.tdxemu.scenarios.dmesg.LineReader.Unreadable;

/** Every line of a kernel log that tdxemu reads, in log order, and the lines it could not read. */
public record BootLog(List<Read> reads, List<Unreadable> unreadable) {

    public BootLog {
        reads = List.copyOf(reads);
        unreadable = List.copyOf(unreadable);
    }

    /** Reads {@code lines}; a line that cannot be read is set aside and the rest are still read. */
    public static BootLog of(List<LogLine> lines) {
        Builder log = new Builder();
        lines.forEach(log::add);
        return log.build();
    }

    /**
     * Reads a log line by line, keeping only the lines tdxemu reads, so that a boot log of any
     * length costs memory in proportion to those.
     */
    public static BootLog read(BufferedReader text) throws IOException {
        Builder log = new Builder();
        int number = 0;
        for (String raw = text.readLine(); raw != null; raw = text.readLine()) {
            log.add(LogLine.of(++number, raw));
        }
        return log.build();
    }

    private static final class Builder {
        final List<Read> reads = new ArrayList<>();
        final List<Unreadable> unreadable = new ArrayList<>();

        void add(LogLine line) {
            LineReader.read(line).ifPresent(reading -> {
                if (reading instanceof Read read) {
                    reads.add(read);
                } else {
                    unreadable.add((Unreadable) reading);
                }
            });
        }

        BootLog build() {
            return new BootLog(reads, unreadable);
        }
    }

    /** The lines that state a fact of {@code kind}, in log order. */
    public List<Read> all(Class<? extends Fact> kind) {
        return reads.stream().filter(r -> kind.isInstance(r.fact())).toList();
    }

    /** The facts of {@code kind}, in log order. */
    public <F extends Fact> List<F> facts(Class<F> kind) {
        return reads.stream().map(Read::fact).filter(kind::isInstance).map(kind::cast).toList();
    }

    /** What the kernel's TDX initialization said, in log order. */
    public List<Read> said() {
        return all(Fact.Said.class);
    }
}
