package dev.multiproc;

import dev.multiproc.internal.posix.ErrnoException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Turns a failed {@code posix_spawnp} into the message a person needs. */
final class StartFailures {
    private StartFailures() {}

    static ProcessStartException of(String program, Path directory, ErrnoException e) {
        String dir = (directory != null ? directory : Path.of("")).toAbsolutePath().toString();
        String hint = locate(program, directory)
                .filter(Files::isDirectory)
                .map(p -> " (" + p + " is a directory)")
                .orElse("");
        return new ProcessStartException("Cannot run program \"" + program + "\" (in directory \"" + dir
                + "\"): " + e.errnoName() + " (" + e.reason() + ")" + hint, program, e.errnoName(), e);
    }

    /** Where {@code execvp} would find {@code program}, if anywhere; for messages only. */
    static Optional<Path> locate(String program, Path directory) {
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
}
