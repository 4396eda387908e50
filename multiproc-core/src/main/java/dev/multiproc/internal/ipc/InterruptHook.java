package dev.multiproc.internal.ipc;

import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.engine.EventLoop;
import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Futex;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.util.concurrent.TimeUnit;

/**
 * How a platform thread asleep in a futex call learns of {@link Thread#interrupt}.
 *
 * <h2>The hook</h2>
 * A system call does not return when its thread is interrupted, and the JDK has one public hook
 * into {@code interrupt()}: the one its own blocking channels use. So a sleep is framed as an
 * I/O operation of a channel of our own ({@link #enter}, {@link #exit}): {@code interrupt()}
 * closes the channel, and closing it wakes every sleeper on the word the thread sleeps on (the
 * others look again and sleep again). A channel is closed for good by the interrupt: the next
 * sleep takes a new hook ({@link #isOpen}). Not for virtual threads, which park and so see
 * interrupts anyway.
 *
 * <h2>The race, and why the wake is repeated</h2>
 * An interrupt that comes before {@link #enter} is seen by it (the thread does not sleep). One
 * that comes after it, but before the thread is inside the kernel, wakes nobody: the thread then
 * sleeps with the interrupt pending. So the wake is repeated, on the engine's timer (1 ms, then
 * doubling to 64 ms), until the thread has left its sleep ({@link #exit}): the thread is in that
 * window for a few hundred nanoseconds, so the first repetition finds it asleep. The usual
 * alternative, waiting on a second word that the interrupt sets ({@code futex_waitv}), makes every
 * sleep cost about half a microsecond more in the kernel (measured here), to serve the rare
 * interrupt; this makes the interrupt pay instead.
 */
final class InterruptHook extends AbstractInterruptibleChannel {
    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LAST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(64);

    private final EventLoop loop = Engine.get().loop();
    private volatile MemorySegment word;
    private volatile boolean asleep;

    /** Begins a sleep on {@code word}; false if the thread is interrupted already (then it must not sleep). */
    boolean enter(MemorySegment word) {
        this.word = word;
        asleep = true;
        begin();
        return !Thread.currentThread().isInterrupted();
    }

    /** Ends a sleep; true if the thread was interrupted meanwhile (its status is still set). */
    boolean exit() {
        asleep = false;
        try {
            end(true);
            return false;
        } catch (ClosedByInterruptException e) {
            return true;
        } catch (AsynchronousCloseException e) {
            return Thread.currentThread().isInterrupted();
        }
    }

    @Override
    protected void implCloseChannel() {
        // Runs inside Thread.interrupt(), which must not fail or block.
        wakeUntilAwake(FIRST_RETRY_NANOS);
    }

    private void wakeUntilAwake(long nextDelay) {
        if (!asleep) {
            return;
        }
        try {
            Futex.wake(word, Integer.MAX_VALUE);
        } catch (ErrnoException | RuntimeException e) {
            return; // unmapped: the object was closed, and its closing wakes its sleepers itself
        }
        loop.schedule(nextDelay, () -> wakeUntilAwake(Math.min(2 * nextDelay, LAST_RETRY_NANOS)));
    }
}
