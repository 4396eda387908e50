package dev.multiproc.cli;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code multiproc run}: one command, this terminal's stdio, its status as our exit code. */
@picocli.CommandLine.Command(name = "run",
        description = {"Runs CMD with this terminal's stdin, stdout and stderr, and exits as it did:",
                "its exit code, 128+N after signal N, 127 if CMD is not found, 126 if it cannot be executed."})
final class RunCommand implements Callable<Integer> {
    static final int NOT_FOUND = 127;
    static final int NOT_EXECUTABLE = 126;
    static final int CANNOT_START = 125;

    @Option(names = "--new-session", description = "Start CMD in a new session (setsid).")
    boolean newSession;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The program and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        Command cmd = Command.of(command)
                .stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT);
        if (newSession) {
            cmd = cmd.newSession();
        }
        Subprocess child;
        try {
            child = cmd.start();
        } catch (ProcessStartException e) {
            System.err.println("multiproc run: " + e.getMessage());
            return e.notFound() ? NOT_FOUND : e.notExecutable() ? NOT_EXECUTABLE : CANNOT_START;
        } catch (IOException e) {
            System.err.println("multiproc run: " + e.getMessage());
            return CANNOT_START;
        }
        ExitStatus status = child.waitFor();
        return status.shellCode();
    }
}
