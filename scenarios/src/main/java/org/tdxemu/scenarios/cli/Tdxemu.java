package org.tdxemu.scenarios.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.spec.ScenarioException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code tdxemu} command. Every bad input, whether a malformed file or a wrong argument, is
 * turned into one line on standard error and exit status 2 here, in one place; nothing reaches
 * the user as a stack trace.
 */
@Command(name = "tdxemu", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Emulates the Intel TDX module's platform initialization and runs Linux's init_tdx_module "
                + "against it.",
                "With no command, runs the bundled default scenario, " + Library.DEFAULT + " (a two-socket 2 TiB host), "
                        + "and prints its kernel log."},
        subcommands = {RunCommand.class, ImportCommand.class, PlanCommand.class, PlannersCommand.class, ReplayCommand.class,
                DecodeCommand.class, FaultsCommand.class, FaultsMergeCommand.class, ScenariosCommand.class,
                HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:everything ran and held: expectations met, a replay matched, a plan was made",
                "1:an expectation failed, a fault never fired, a replay differed, a campaign found a violation, or the "
                        + "kernel could not plan",
                "2:bad input: a malformed file or argument, named in one line on standard error",
                "3:tdxemu itself failed (a bug; one line on standard error says where)"},
        footer = {"", "`tdxemu help COMMAND` explains a command."})
public final class Tdxemu implements Callable<Integer> {

    public static final int OK = 0;
    public static final int EXPECTATION_FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL_ERROR = 3;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return RunCommand.run(List.of(Library.DEFAULT), RunCommand.Options.defaults(), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** Runs the command line with {@code args}, printing to {@code out} and {@code err}; returns the exit status. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Tdxemu());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler(Tdxemu::badArgument);
        commandLine.setExecutionExceptionHandler(Tdxemu::failed);
        int status = commandLine.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** A wrong argument or option: one line naming it, a suggestion when picocli has one, and where help is. */
    private static int badArgument(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        StringBuilder line = new StringBuilder(command.getCommandSpec().qualifiedName()).append(": ")
                .append(oneLine(e.getMessage()));
        if (e instanceof UnmatchedArgumentException unmatched) {
            line.append(suggestion(command, unmatched));
        }
        String name = command.getCommandSpec().qualifiedName(" ");
        line.append(" (see `").append(name.equals("tdxemu") ? "tdxemu --help" : "tdxemu help "
                + command.getCommandName()).append("`)");
        command.getErr().println(line);
        return BAD_INPUT;
    }

    /**
     * "; did you mean …?": picocli's suggestions for an option; for a word where a command belongs,
     * the nearest commands, or {@code run} when the word names a scenario.
     */
    private static String suggestion(CommandLine command, UnmatchedArgumentException unmatched) {
        List<String> suggestions = unmatched.getSuggestions();
        List<String> words = unmatched.getUnmatched();
        if (command.getParent() == null && !words.isEmpty()) {
            String word = words.get(0);
            if (Inputs.exists(word)) {
                return "; did you mean `tdxemu run " + word + "`?";
            }
            suggestions = Inputs.nearest(word, List.copyOf(command.getSubcommands().keySet()));
        }
        return suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?";
    }

    /** What a command threw: bad input the user can fix (exit 2), or a failure of tdxemu itself (exit 3). */
    private static int failed(Exception e, CommandLine command, ParseResult parsed) {
        command.getOut().flush();
        if (e instanceof ScenarioException bad) {
            command.getErr().println(oneLine(bad.getMessage()));
            return BAD_INPUT;
        }
        StackTraceElement where = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
        command.getErr().println("tdxemu: internal error: " + oneLine(String.valueOf(e)) + (where == null ? ""
                : " at " + where) + "; please report it with the command and the files it read");
        return INTERNAL_ERROR;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** The version the build stamped into the jar. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Tdxemu.class.getResourceAsStream("/org/tdxemu/scenarios/version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"tdxemu " + properties.getProperty("version", "(unknown version)")};
        }
    }
}
