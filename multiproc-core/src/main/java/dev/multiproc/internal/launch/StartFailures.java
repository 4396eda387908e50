package dev.multiproc.internal.launch;

import dev.multiproc.ProcessStartException;
import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.io.Stdio;
import dev.multiproc.internal.posix.ErrnoException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Every failure to start a child, worded in one place, whatever the kind of child: a command,
 * a child JVM or a pool's worker, the guardian. Each message says what could not run, where,
 * which step failed and the C library's error, as the JDK's does:
 * {@code Cannot run program "nosuch" (in directory "/srv"): ENOENT (No such file or directory)};
 * a child JVM is named after the program, {@code Cannot run program "/usr/bin/java" for child
 * JVM "report" ...}. The errno name is also {@link ProcessStartException#errorName()}.
 */
public final class StartFailures {
    private StartFailures() {}

    /** The working directory does not exist, or is not a directory (ENOENT, ENOTDIR). */
    static ProcessStartException directory(LaunchRequest r) {
        Path dir = r.settings().directory();
        boolean exists = Files.exists(dir);
        return new ProcessStartException(subject(r) + " (in directory \"" + dir + "\"): the directory "
                + (exists ? "is not a directory" : "does not exist"), r.program(), exists ? "ENOTDIR" : "ENOENT", null);
    }

    /** {@code posix_spawnp} failed: no such program, not executable, too many arguments... */
    static ProcessStartException spawn(LaunchRequest r, ErrnoException e) {
        Path directory = r.settings().directory();
        String dir = (directory != null ? directory : Path.of("")).toAbsolutePath().toString();
        String hint = locate(r.program(), directory)
                .filter(Files::isDirectory)
                .map(p -> " (" + p + " is a directory)")
                .orElse("");
        return new ProcessStartException(subject(r) + " (in directory \"" + dir + "\"): " + e.errnoName() + " ("
                + e.reason() + ")" + hint, r.program(), e.errnoName(), e);
    }

    /** A pipe for a stream could not be made, or a redirect's file could not be opened. */
    static ProcessStartException stdio(LaunchRequest r, Stdio.Failure f) {
        String stream = ChildSettings.streamName(f.stream());
        return f.file() == null ? pipe(r, "a pipe for its " + stream, f.errno())
                : failed(subject(r), r.program(), "cannot open \"" + f.file() + "\" for its " + stream, f.errno());
    }

    /** A pipe the child was to get ({@code what}: "a pipe for its fd 3") could not be made. */
    static ProcessStartException pipe(LaunchRequest r, String what, ErrnoException e) {
        return failed(subject(r), r.program(), "cannot make " + what, e);
    }

    /** The pipe from a pipeline's stage running {@code program} to the next stage could not be made. */
    public static ProcessStartException pipeToNextStage(String program, ErrnoException e) {
        return failed(subject(Child.Kind.COMMAND, null, program), program,
                "cannot make the pipe from its stdout to the next stage", e);
    }

    /** The guardian, which a guarded command needs, could not be started; {@code e} says why. */
    static ProcessStartException guardian(LaunchRequest r, Exception e) {
        String errno = e instanceof ErrnoException n ? n.errnoName()
                : e instanceof ProcessStartException p ? p.errorName() : null;
        return new ProcessStartException(subject(r) + ": cannot start the guardian process that kills it if this JVM"
                + " dies (" + e.getMessage() + "); Command.survivesParent() runs it without one", r.program(), errno, e);
    }

    /** A detached start found no program named {@code program} (ENOENT). */
    public static ProcessStartException detachedNotFound(String program) {
        return new ProcessStartException(detached(program) + ": ENOENT (No such file or directory)", program,
                "ENOENT", null);
    }

    /** A detached start found {@code program} at {@code resolved}, which it may not execute (EACCES). */
    public static ProcessStartException detachedNotExecutable(String program, Path resolved) {
        return new ProcessStartException(detached(program) + ": " + resolved + " is not executable (EACCES)", program,
                "EACCES", null);
    }

    /** A detached start could not run the intermediate {@code setsid}, which failed with {@code e}. */
    public static ProcessStartException detachedNeedsSetsid(String program, ProcessStartException e) {
        return new ProcessStartException(detached(program) + ": detaching needs setsid(1) from util-linux: "
                + e.getMessage(), program, e.errorName(), e);
    }

    private static String detached(String program) {
        return subject(Child.Kind.COMMAND, null, program) + " detached";
    }

    /** Where {@code execvp} would find {@code program}, if anywhere; for messages only. */
    public static Optional<Path> locate(String program, Path directory) {
        if (program.contains("/")) {
            return Optional.of(directory == null ? Path.of(program) : directory.resolve(program));
        }
        String path = System.getenv().getOrDefault("PATH", "/bin:/usr/bin");
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry).resolve(program);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static ProcessStartException failed(String subject, String program, String step, ErrnoException e) {
        return new ProcessStartException(subject + ": " + step + ": " + e.errnoName() + " (" + e.reason() + ")",
                program, e.errnoName(), e);
    }

    private static String subject(LaunchRequest r) {
        return subject(r.kind(), r.name(), r.program());
    }

    /** What could not run: {@code Cannot run program "P"}, and for a child of the library's, which one. */
    private static String subject(Child.Kind kind, String name, String program) {
        String subject = "Cannot run program \"" + program + "\"";
        return switch (kind) {
            case COMMAND -> subject;
            case JVM -> subject + " for child JVM \"" + name + "\"";
            case GUARDIAN -> subject + " for the guardian process";
        };
    }
}
