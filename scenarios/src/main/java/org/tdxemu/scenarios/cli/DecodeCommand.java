package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.tdxemu.scenarios.format.Quantities;
import org.tdxemu.scenarios.format.ScenarioReader;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.spec.ScenarioException;
import org.tdxemu.seamcall.status.DecodedStatus;
import org.tdxemu.seamcall.status.ModuleGeneration;
import org.tdxemu.seamcall.status.StatusCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "decode", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Explains completion statuses, e.g. 0xC0000A1200050102 -> TDX_PAMT_OVERLAP, TDMR 2, 2M PAMT, "
                + "against TDMR 5; or gives a status name's value and what it carries.",
                "A status is hex with its 0x, as in scenario files; a bare number is refused rather than guessed at."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every status decoded", "2:an argument was neither hex with 0x nor a status name "
                + "(the others are still decoded)"})
final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "STATUS",
            description = "64-bit statuses in hex (0xC000010000000001) or status names (TDX_PAMT_OVERLAP)")
    List<String> statuses;

    @Option(names = {"-v", "--verbose"}, description = "also print the class, the raw fields and the flag bits")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = Tdxemu.OK;
        for (String text : statuses) {
            try {
                out.println(explain(text.trim()));
            } catch (ScenarioException e) {
                out.flush();
                err.println("decode: " + Tdxemu.oneLine(e.getMessage()));
                err.flush();
                status = Tdxemu.BAD_INPUT;
            }
        }
        return status;
    }

    private String explain(String text) {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            long value = Quantities.hex(text);
            DecodedStatus decoded = DecodedStatus.of(value);
            String line = String.format("0x%016X -> %s", value, decoded.summary());
            return verbose ? line + decoded.describe().lines().skip(1).map(l -> "\n" + l).collect(Collectors.joining())
                    : line;
        }
        Optional<StatusCode> code = ScenarioReader.statusNamed(text);
        if (code.isEmpty()) {
            throw new ScenarioException("\"" + UserFile.printable(text) + "\" is not a status: write hex with 0x, such as "
                    + (text.matches("[0-9a-fA-F]{1,16}") ? "0x" + text : "0xC0000A1200050102")
                    + ", or a name, such as TDX_PAMT_OVERLAP");
        }
        StatusCode c = code.get();
        DecodedStatus decoded = DecodedStatus.of(c.value());
        return String.format("%s = 0x%016X: %s; %s; in the tables of TDX %s", c.architecturalName(), c.value(),
                decoded.classAndFlags(), c.detailForm().explanation(),
                c.generations().stream().map(ModuleGeneration::label).collect(Collectors.joining(", ")));
    }
}
