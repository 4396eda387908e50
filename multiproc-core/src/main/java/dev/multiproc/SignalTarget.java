package dev.multiproc;

/** A process that can be signalled: a {@link Subprocess}, a {@link JvmProcess}, a {@link DetachedProcess}. */
public interface SignalTarget {
    /** Its process id. */
    long pid();

    /** Sends {@code signal} to it: true if sent, false if it has already ended. */
    boolean signal(Signal signal);
}
