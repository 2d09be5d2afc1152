package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.spec.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "scenarios", mixinStandardHelpOptions = true, description = "Lists the bundled scenarios, one line each; run one with `tdxemu run NAME`.")
final class ScenariosCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = Library.names();
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        for (String name : names) {
            Scenario scenario = Library.load(name);
            out.println(String.format("%-" + width + "s  %s", name, scenario.description()));
        }
        return Tdxemu.OK;
    }
}
