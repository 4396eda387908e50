package dev.multiproc.cli;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.Multiproc;
import dev.multiproc.ProcessEntry;
import dev.multiproc.ProcessStartException;
import dev.multiproc.Redirect;
import dev.multiproc.Signal;
import dev.multiproc.Subprocess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code multiproc run}: one command with this terminal's stdio, its status as our exit code;
 * with a timeout, GNU {@code timeout}'s conventions. With {@code --kill-tree} (the default)
 * this JVM becomes a subreaper, so that whatever the command leaves behind is reparented here
 * and killed before we exit: after {@code run} returns, nothing it started is alive.
 */
@picocli.CommandLine.Command(name = "run",
        exitCodeOnInvalidInput = RunCommand.CANNOT_START,
        description = "Runs CMD with this terminal's stdin, stdout and stderr, and exits as it did: its exit"
                + " code, 128+N after signal N, 127 if CMD is not found, 126 if it cannot be executed, 125 if"
                + " it cannot be started otherwise, 124 if the timeout passed.")
final class RunCommand implements Callable<Integer> {
    static final int TIMED_OUT = 124;
    static final int CANNOT_START = 125;
    static final int NOT_EXECUTABLE = 126;
    static final int NOT_FOUND = 127;

    @Option(names = "--new-session", description = "Start CMD in a new session (setsid).")
    boolean newSession;

    @Option(names = "--timeout", paramLabel = "DUR", converter = Durations.class,
            description = "Stop CMD after DUR (500ms, 1.5s, 2m, 1h, or seconds) and exit 124.")
    Duration timeout;

    @Option(names = "--grace", paramLabel = "DUR", converter = Durations.class, defaultValue = "1s",
            description = "Time between the timeout's signal and SIGKILL (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--signal", paramLabel = "SIG", defaultValue = "TERM", converter = SignalConverter.class,
            description = "The signal the timeout sends first: TERM, INT, HUP, 9, ... (default: ${DEFAULT-VALUE}).")
    Signal signal;

    @Option(names = "--kill-tree", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Signal CMD's whole tree, and leave nothing it started alive (default: on).")
    boolean killTree;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The program and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        Signal first = signal;
        if (killTree) {
            Multiproc.becomeSubreaper();
        }
        Command cmd = Command.of(command).stdin(Redirect.INHERIT).stdout(Redirect.INHERIT).stderr(Redirect.INHERIT);
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
        Optional<ExitStatus> status = timeout == null ? Optional.of(child.waitFor()) : child.waitFor(timeout);
        int code;
        if (status.isPresent()) {
            code = status.get().shellCode();
        } else {
            if (killTree) {
                child.killTree(first, grace);
            } else {
                child.signal(first);
                if (child.waitFor(grace).isEmpty()) {
                    child.kill();
                }
                child.waitFor();
            }
            code = TIMED_OUT;
        }
        if (killTree) {
            killLeftovers();
        }
        return code;
    }

    /** Parses --signal as {@link Signal#parse} does. */
    static final class SignalConverter implements picocli.CommandLine.ITypeConverter<Signal> {
        @Override
        public Signal convert(String text) {
            return Signal.parse(text);
        }
    }

    /** Kills what the command left behind: as a subreaper, every child we have now is an orphan of its tree. */
    private void killLeftovers() throws InterruptedException {
        long self = ProcessHandle.current().pid();
        for (int round = 0; round < 3; round++) {
            List<ProcessEntry> orphans = ProcessEntry.snapshot().stream()
                    .filter(e -> e.ppid() == self && !e.zombie())
                    .toList();
            if (orphans.isEmpty()) {
                return;
            }
            for (ProcessEntry orphan : orphans) {
                Multiproc.killTree(orphan.pid(), grace);
            }
        }
    }
}
