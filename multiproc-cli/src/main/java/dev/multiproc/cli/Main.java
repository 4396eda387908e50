package dev.multiproc.cli;

import dev.multiproc.cli.lab.LabCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code multiproc} command. */
@Command(name = "multiproc",
        mixinStandardHelpOptions = true,
        version = "multiproc 0.1.0",
        description = "Processes for Java, the way Python's os, subprocess and multiprocessing do them, and better.",
        subcommands = {LabCommand.class, RunCommand.class, TreeCommand.class, MemberCommand.class})
public final class Main {
    private Main() {}

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parser for the whole command, as {@link #main} uses it; tests call it directly. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setStopAtPositional(true);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
