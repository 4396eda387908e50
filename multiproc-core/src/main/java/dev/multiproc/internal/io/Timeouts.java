package dev.multiproc.internal.io;

import java.time.Duration;
import java.util.Objects;

/**
 * A caller's timeout turned into what a wait needs: a count of nanoseconds, or a
 * {@link System#nanoTime} deadline. A zero or negative timeout looks once, as the JDK's and
 * Python's waits do (a remaining time that ran out is no error); a timeout of centuries is
 * capped, or means no deadline, so that no count of nanoseconds overflows.
 */
public final class Timeouts {
    /** The longest wait a count of nanoseconds can hold (about 292 years): "for ever" in practice. */
    public static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE);
    /** Timeouts at least this long have no deadline: a count of nanoseconds from now could overflow. */
    private static final long NO_DEADLINE_BEYOND = Long.MAX_VALUE / 4;

    private Timeouts() {}

    /**
     * The deadline {@code timeout} from now: {@link Waker#NO_DEADLINE} for null (or a wait of
     * centuries), now for zero or negative (the deadline has passed).
     */
    public static long deadline(Duration timeout) {
        if (timeout == null) {
            return Waker.NO_DEADLINE;
        }
        long nanos = waitNanos(timeout);
        return nanos >= NO_DEADLINE_BEYOND ? Waker.NO_DEADLINE : System.nanoTime() + nanos;
    }

    /**
     * How long a wait of {@code timeout} waits, in nanoseconds: 0 for zero or negative, capped
     * at {@link #LONGEST_WAIT}.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public static long waitNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        return (timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout).toNanos();
    }
}
