package dev.multiproc;

import java.io.Serial;

/**
 * A child that could not be started, with the step that failed and the C library's error:
 * {@code Cannot run program "nosuch" (in directory "/srv"): ENOENT (No such file or directory)}.
 * The same type whatever the child: a command, a pipeline's stage, a detached command, a child
 * JVM or a pool's worker; for a child JVM the program is its {@code java}.
 *
 * <p>It is a {@link MultiprocException}, so unchecked. It used to be a checked
 * {@code IOException}; {@link Command#start()} and {@link Command#run()} still declare
 * {@code IOException}, so that code written for it compiles, but a {@code catch (IOException e)}
 * no longer catches it: catch this type, or {@code MultiprocException}.
 */
public final class ProcessStartException extends MultiprocException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String program;
    private final String errorName;

    /**
     * Made by multiproc when a start fails.
     *
     * @param message what could not run, where, and why
     * @param program the program that was to run, as given
     * @param errorName the errno name of the failure, or null if there is none
     * @param cause the failed call, or null
     */
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
