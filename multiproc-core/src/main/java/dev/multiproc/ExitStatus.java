package dev.multiproc;

import java.io.Serializable;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a process ended: it {@linkplain Exited exited} with a code, or it was
 * {@linkplain Signaled killed by a signal}. A value: two statuses that say the same are equal.
 *
 * <pre>{@code
 * switch (status) {
 *     case ExitStatus.Exited(int code) -> ...
 *     case ExitStatus.Signaled(Signal signal, boolean core) -> ...
 * }
 * }</pre>
 */
public sealed interface ExitStatus extends Serializable permits ExitStatus.Exited, ExitStatus.Signaled {

    /**
     * The status of a process that exited with {@code code}.
     *
     * @throws IllegalArgumentException if {@code code} is outside 0 to 255
     */
    static ExitStatus exited(int code) {
        return new Exited(code);
    }

    /** The status of a process killed by {@code signal}, with or without a core dump. */
    static ExitStatus signaled(Signal signal, boolean coreDumped) {
        return new Signaled(signal, coreDumped);
    }

    /** True if the process exited with code 0. */
    boolean success();

    /** The exit code, or empty if a signal killed the process. */
    OptionalInt exitCode();

    /** The signal that killed the process, or empty if it exited. */
    Optional<Signal> signal();

    /** True if a signal killed the process and the kernel wrote a core dump. */
    boolean coreDumped();

    /** Python's {@code returncode}: the exit code, or {@code -N} for signal N. */
    int returncode();

    /** The shell's {@code $?}: the exit code, or {@code 128+N} for signal N. */
    int shellCode();

    /** A process that called {@code exit(code)} or returned {@code code} from main. */
    record Exited(int code) implements ExitStatus {
        /** @throws IllegalArgumentException if {@code code} is outside 0 to 255 */
        public Exited {
            if (code < 0 || code > 255) {
                throw new IllegalArgumentException("exit code must be 0 to 255: " + code);
            }
        }

        @Override
        public boolean success() {
            return code == 0;
        }

        @Override
        public OptionalInt exitCode() {
            return OptionalInt.of(code);
        }

        @Override
        public Optional<Signal> signal() {
            return Optional.empty();
        }

        @Override
        public boolean coreDumped() {
            return false;
        }

        @Override
        public int returncode() {
            return code;
        }

        @Override
        public int shellCode() {
            return code;
        }

        @Override
        public String toString() {
            return "exit " + code;
        }
    }

    /** A process that a signal killed, with the kernel's core-dump flag. */
    record Signaled(Signal killedBy, boolean dumpedCore) implements ExitStatus {
        /** @throws NullPointerException if {@code killedBy} is null */
        public Signaled {
            java.util.Objects.requireNonNull(killedBy, "killedBy");
        }

        @Override
        public boolean success() {
            return false;
        }

        @Override
        public OptionalInt exitCode() {
            return OptionalInt.empty();
        }

        @Override
        public Optional<Signal> signal() {
            return Optional.of(killedBy);
        }

        @Override
        public boolean coreDumped() {
            return dumpedCore;
        }

        @Override
        public int returncode() {
            return -killedBy.number();
        }

        @Override
        public int shellCode() {
            return 128 + killedBy.number();
        }

        @Override
        public String toString() {
            return "killed by " + killedBy.displayName() + (dumpedCore ? " (core dumped)" : "");
        }
    }
}
