package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.tdxemu.seamcall.status.DecodedStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true, description = {"Explains completion statuses, e.g. 0xC0000A1200050102 -> TDX_PAMT_OVERLAP, "
        + "TDMR 2, 2M PAMT, against TDMR 5."})
final class DecodeCommand implements Callable<Integer> {

    private static final Pattern HEX = Pattern.compile("(?:0[xX])?[0-9a-fA-F]{1,16}");

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "STATUS", description = "64-bit statuses in hex, e.g. 0xC000010000000001")
    List<String> statuses;

    @Option(names = {"-v", "--verbose"}, description = "also print the class, the raw fields and the flag bits")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String text : statuses) {
            if (!HEX.matcher(text).matches()) {
                spec.commandLine().getErr().println("decode: \"" + text
                        + "\" is not a status; write a 64-bit hex value such as 0xC0000A1200050102");
                return Tdxemu.BAD_INPUT;
            }
        }
        for (String text : statuses) {
            long status = Long.parseUnsignedLong(text.replaceFirst("^0[xX]", ""), 16);
            DecodedStatus decoded = DecodedStatus.of(status);
            out.println(String.format("0x%016X -> %s", status, decoded.summary()));
            if (verbose) {
                decoded.describe().lines().skip(1).forEach(out::println);
            }
        }
        return Tdxemu.OK;
    }
}
