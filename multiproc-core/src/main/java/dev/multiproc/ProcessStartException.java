package dev.multiproc;

import java.io.IOException;
import java.io.Serial;

/**
 * A program that could not be started, with the step that failed and the C library's error:
 * {@code Cannot run program "nosuch" (in directory "/srv"): ENOENT (No such file or directory)}.
 */
public final class ProcessStartException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String program;
    private final String errorName;

    /** Made by multiproc when a start fails; {@code cause} holds the failed call. */
    public ProcessStartException(String message, String program, String errorName, Throwable cause) {
        super(message, cause);
        this.program = program;
        this.errorName = errorName;
    }

    /** The program that was to run, as given. */
    public String program() {
        return program;
    }

    /**
     * The errno name of the failure, such as {@code ENOENT} (no such program) or
     * {@code EACCES} (not executable, or a directory).
     */
    public String errorName() {
        return errorName;
    }

    /** True if the program was not found ({@code ENOENT}): a shell would exit 127. */
    public boolean notFound() {
        return "ENOENT".equals(errorName);
    }

    /** True if the program was found but cannot be executed: a shell would exit 126. */
    public boolean notExecutable() {
        return "EACCES".equals(errorName) || "ENOEXEC".equals(errorName) || "EPERM".equals(errorName);
    }
}
