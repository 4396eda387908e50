package dev.multiproc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the three handles on a process share: a {@link Subprocess}, a {@link JvmProcess} and a
 * {@link DetachedProcess} are each signalled, watched and waited for through these methods,
 * with the same meaning, so code that stops "whatever was started" can take any of them:
 *
 * <pre>{@code
 * for (SignalTarget p : List.of(command, jvm, detached)) {
 *     p.terminate();
 *     if (!p.join(Duration.ofSeconds(5))) {
 *         p.kill();
 *     }
 * }
 * }</pre>
 *
 * <p>Signals go through a pidfd, so they reach this process or nothing, never a process that
 * reused its pid. A handle's own type says more where it knows more: the {@link ExitStatus} of
 * a child ({@link Subprocess#waitFor()}, {@link JvmProcess#join()}), which a detached process,
 * not this JVM's child, does not have.
 *
 * @see Signals#forward(Signal, java.util.List)
 */
public sealed interface SignalTarget permits Subprocess, JvmProcess, DetachedProcess {
    /**
     * Its process id.
     *
     * @throws IllegalStateException for a {@link JvmProcess} not started, or that failed to start
     */
    long pid();

    /**
     * Sends {@code signal} to it: true if sent, false if it has already ended (then nothing is
     * sent to anyone).
     *
     * @throws NullPointerException if {@code signal} is null
     * @throws MultiprocException if the kernel refuses the signal (the message names the call
     *     and its error, such as EPERM for a process that changed its user)
     * @throws IllegalStateException for a {@link JvmProcess} not started, or that failed to start
     */
    boolean signal(Signal signal);

    /**
     * Sends SIGTERM, which asks it to end; see {@link #signal}.
     *
     * @throws MultiprocException as {@link #signal}
     * @throws IllegalStateException as {@link #signal}
     */
    default boolean terminate() {
        return signal(Signal.SIGTERM);
    }

    /**
     * Sends SIGKILL, which ends it at once; see {@link #signal}.
     *
     * @throws MultiprocException as {@link #signal}
     * @throws IllegalStateException as {@link #signal}
     */
    default boolean kill() {
        return signal(Signal.SIGKILL);
    }

    /** True while it runs: for a child, until it has been reaped. Never waits. */
    boolean isAlive();

    /**
     * A future completed when it ends: with its {@link ExitStatus} for a {@link Subprocess} or
     * a {@link JvmProcess}, with null for a {@link DetachedProcess}. Actions chained on it run on
     * a virtual thread, never on multiproc's event thread.
     *
     * @throws MultiprocException if the end of a detached process cannot be watched (the kernel
     *     refused; the message says why)
     * @throws IllegalStateException for a {@link JvmProcess} not started, or that failed to start
     */
    CompletableFuture<?> onExit();

    /**
     * Waits up to {@code timeout} for it to end: true if it has ended, false if it still runs,
     * as {@link Thread#join(Duration)} answers. A zero or negative timeout looks once, without
     * waiting (a remaining time that ran out is no error). For a child, "ended" means reaped,
     * so its status is there once this returns true.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if the thread is interrupted while it waits
     * @throws IllegalStateException for a {@link JvmProcess} not started, or that failed to start
     */
    boolean join(Duration timeout) throws InterruptedException;
}
