package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** The command line run in this JVM, with what it printed and its exit status. */
final class Cli {

    private Cli() {
    }

    record Result(int status, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        String lastLine() {
            List<String> lines = lines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** The command line with {@code input} as its standard input. */
    static synchronized Result tdxemuReading(String input, String... args) {
        java.io.InputStream standardInput = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return tdxemu(args);
        } finally {
            System.setIn(standardInput);
        }
    }

    static Result tdxemu(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Tdxemu.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }
}
