package dev.multiproc;

import java.io.Serial;
import java.util.List;

/** A child that ended with a non-zero status where success was required ({@link CompletedProcess#check()}). */
public final class ProcessFailedException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String[] argv;
    private final ExitStatus exitStatus;
    private final String stderrTail;

    ProcessFailedException(List<String> argv, ExitStatus exitStatus, String stderrTail) {
        super("Command " + argv + " failed: " + exitStatus
                + (stderrTail.isEmpty() ? "" : "; stderr ends with:\n" + stderrTail));
        this.argv = argv.toArray(String[]::new);
        this.exitStatus = exitStatus;
        this.stderrTail = stderrTail;
    }

    /** How the child ended. */
    public ExitStatus exitStatus() {
        return exitStatus;
    }

    /** The program and arguments that failed. */
    public List<String> argv() {
        return List.of(argv);
    }

    /** The last part of what the child wrote to stderr (empty if stderr was not captured). */
    public String stderrTail() {
        return stderrTail;
    }
}
