package dev.multiproc.internal.io;

import java.time.Duration;
import java.util.Objects;

/**
 * What a timeout or a grace given to a public method means in nanoseconds: one reading for
 * every wait, so that all of them treat zero, negative and huge values alike.
 *
 * <p>A timeout is a deadline: zero or negative has passed (look once, as the JDK's and
 * Python's waits do: a remaining time that ran out is no error), and one longer than a count
 * of nanoseconds can hold (about 292 years) is capped, so that a caller's "forever" waits
 * instead of overflowing. A grace is a setting, not a deadline: a negative one is refused.
 */
public final class Timeouts {
    /** The longest wait a count of nanoseconds can hold (about 292 years): "for ever" in practice. */
    public static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE);
    /** Timeouts at least this long have no deadline: a count of nanoseconds from now could overflow. */
    private static final long NO_DEADLINE_BEYOND = Long.MAX_VALUE / 4;

    private Timeouts() {}

    /**
     * The {@link System#nanoTime} deadline {@code timeout} from now: {@link Waker#NO_DEADLINE}
     * for null (or a wait of centuries), now for zero or negative (the deadline has passed).
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

    /**
     * {@code grace}, checked, and capped at the longest wait a count of nanoseconds can hold.
     *
     * @throws IllegalArgumentException if it is negative, naming {@code name} and the value
     * @throws NullPointerException if it is null
     */
    public static Duration grace(Duration grace, String name) {
        Objects.requireNonNull(grace, name);
        if (grace.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + grace);
        }
        return grace.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : grace;
    }
}
