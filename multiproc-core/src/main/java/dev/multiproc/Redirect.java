package dev.multiproc;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a child's stdin, stdout or stderr goes. {@link #PIPE} (the default for all three)
 * connects it to this JVM; {@link #INHERIT} shares this JVM's own; {@link #DISCARD} is
 * {@code /dev/null}; {@link #TO_STDOUT} sends stderr wherever stdout goes; the factories name
 * a file to write, append to, or read.
 */
public sealed interface Redirect permits Redirect.Standard, Redirect.WriteFile, Redirect.ReadFile {
    /** A pipe to this JVM: read it from {@code Subprocess.stdout()}, write it through {@code stdin()}. */
    Redirect PIPE = Standard.PIPE;
    /** The same file this JVM has open on that descriptor (a terminal, a log, ...). */
    Redirect INHERIT = Standard.INHERIT;
    /** {@code /dev/null}: input is empty, output is thrown away. */
    Redirect DISCARD = Standard.DISCARD;
    /** For stderr only: the same file as the child's stdout ({@code 2>&1}). */
    Redirect TO_STDOUT = Standard.TO_STDOUT;

    /** Output to {@code file}, created if missing and truncated if present. */
    static Redirect to(Path file) {
        return new WriteFile(file, false);
    }

    /** Output appended to {@code file}, created if missing. */
    static Redirect appendTo(Path file) {
        return new WriteFile(file, true);
    }

    /** Input read from {@code file}. */
    static Redirect from(Path file) {
        return new ReadFile(file);
    }

    /** The redirects that name no file. */
    enum Standard implements Redirect { PIPE, INHERIT, DISCARD, TO_STDOUT }

    /** Output written to a file, truncated or appended. */
    record WriteFile(Path file, boolean append) implements Redirect {
        /** @throws NullPointerException if {@code file} is null */
        public WriteFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** Input read from a file. */
    record ReadFile(Path file) implements Redirect {
        /** @throws NullPointerException if {@code file} is null */
        public ReadFile {
            Objects.requireNonNull(file, "file");
        }
    }
}
