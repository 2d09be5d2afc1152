package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.Library;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code tdxemu} command (DESIGN.md, "Command line"). Exit status: 0 when everything ran and
 * held, 1 when an expectation failed (or a replay differed, or the kernel could not plan), 2 for
 * bad input.
 */
@Command(name = "tdxemu", mixinStandardHelpOptions = true, version = "tdxemu 0.1.0",
        description = {"Emulates the Intel TDX module's platform initialization and runs Linux's init_tdx_module "
                + "against it.", "With no command, runs the bundled default scenario and prints its kernel log."},
        subcommands = {RunCommand.class, PlanCommand.class, ReplayCommand.class, DecodeCommand.class, FaultsCommand.class,
                ScenariosCommand.class})
public final class Tdxemu implements Callable<Integer> {

    public static final int OK = 0;
    public static final int EXPECTATION_FAILED = 1;
    public static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return RunCommand.runAll(java.util.List.of(Library.DEFAULT), false, null, null, null,
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Runs the command line with {@code args}, printing to {@code out} and {@code err}; returns the exit status. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Tdxemu());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}
