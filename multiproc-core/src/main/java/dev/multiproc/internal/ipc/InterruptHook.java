package dev.multiproc.internal.ipc;

import dev.multiproc.internal.posix.ErrnoException;
import dev.multiproc.internal.posix.Futex;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

/**
 * How a platform thread asleep in a futex call learns of {@link Thread#interrupt}: a system call
 * does not return when its thread is interrupted, and the JDK has one public hook into
 * {@code interrupt()}, the one its own blocking channels use. So a sleep is framed as an I/O
 * operation of a channel of our own ({@link #enter}, {@link #exit}): {@code interrupt()} closes
 * the channel, and closing it stores 1 into a word of this thread's and wakes it. The sleeper
 * waits on that word too (expecting 0), with {@code futex_waitv}: an interrupt that came before
 * the sleep began finds the word already 1 and the call returns at once, so none is lost.
 *
 * <p>A channel is closed for good by the interrupt: the next sleep takes a new hook
 * ({@link #isOpen}). Not for virtual threads, which park and so see interrupts anyway.
 */
final class InterruptHook extends AbstractInterruptibleChannel {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment word;

    /** A hook that stores into {@code word} (private to this thread, 4-byte aligned). */
    InterruptHook(MemorySegment word) {
        this.word = word;
    }

    /** Begins a sleep: the word is 0 unless the thread is interrupted (now or later). */
    void enter() {
        INT.setVolatile(word, 0L, 0);
        begin();
    }

    /** Ends a sleep; true if the thread was interrupted meanwhile (its status is still set). */
    boolean exit() {
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
        INT.setVolatile(word, 0L, 1);
        try {
            Futex.wake(word, 1);
        } catch (ErrnoException | RuntimeException e) {
            // Runs inside Thread.interrupt(), which must not fail; the word is ours and mapped, so this does not happen.
        }
    }
}
