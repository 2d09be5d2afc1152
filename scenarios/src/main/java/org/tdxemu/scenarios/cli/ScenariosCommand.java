package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.Library;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "scenarios", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Lists the bundled scenarios, one line each; run one with `tdxemu run NAME`.",
                "`--show NAME` prints one as JSON, a template for a scenario of your own: "
                        + "`tdxemu scenarios --show two-socket-2t > my-host.json`."})
final class ScenariosCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--show", paramLabel = "NAME", description = "print this bundled scenario's JSON")
    String show;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (show != null) {
            out.print(Inputs.bundledText(show));
            return Tdxemu.OK;
        }
        List<String> names = Library.names();
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        for (String name : names) {
            out.println(String.format("%-" + width + "s  %s", name, Library.load(name).description()));
        }
        return Tdxemu.OK;
    }
}
