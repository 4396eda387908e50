package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An interrupt ends {@code run()}, {@code communicate} and {@code Pipeline.run()} with the
 * {@link InterruptedException} they declare, the interrupt status cleared as the JDK's rule
 * for that exception says; they used to throw {@code InterruptedIOException}, with the status
 * still set.
 *
 * <p>Mirrors the JDK's {@code test/jdk/java/lang/ProcessBuilder/Basic.java}: "Check that
 * Process.waitFor(timeout, TimeUnit.MILLISECONDS) interrupt works as expected, if interrupted
 * while waiting" and "... if interrupted before waiting".
 */
class InterruptedCommunicateTest {
    @TempDir
    Path tmp;

    /** What a thread that ran {@code body} saw: the exception, and its interrupt status after it. */
    private record Outcome(Throwable thrown, boolean stillInterrupted) {}

    @FunctionalInterface
    private interface Body {
        void run(CountDownLatch aboutToWait) throws Exception;
    }

    private static Outcome interruptWhileWaiting(boolean virtual, Body body) throws Exception {
        CountDownLatch aboutToWait = new CountDownLatch(1);
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                body.run(aboutToWait);
                outcome.complete(new Outcome(null, Thread.currentThread().isInterrupted()));
            } catch (Throwable t) {
                outcome.complete(new Outcome(t, Thread.currentThread().isInterrupted()));
            }
        };
        Thread thread = virtual ? Thread.ofVirtual().start(task) : Thread.ofPlatform().start(task);
        assertTrue(aboutToWait.await(20, TimeUnit.SECONDS));
        Procs.await("the thread parks in the wait", () -> thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING);
        thread.interrupt();
        return outcome.get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void waitForInterruptedWhileWaiting_run_throwsInterruptedException_andKillsTheTree(boolean virtual)
            throws Exception {
        String marker = "60.00" + (virtual ? 551 : 552); // a sleep no other test runs
        Outcome o = interruptWhileWaiting(virtual, aboutToWait -> {
            aboutToWait.countDown();
            Command.of("sh", "-c", "sleep " + marker + " & exec sleep " + marker).run();
        });
        assertEquals(InterruptedException.class, o.thrown() == null ? null : o.thrown().getClass(),
                String.valueOf(o.thrown()));
        assertFalse(o.stillInterrupted(), "InterruptedException clears the interrupt status");
        Procs.await("no sleep " + marker + " left", () -> ProcessEntry.snapshot().stream()
                .noneMatch(p -> p.commandLine().contains(marker) && !p.zombie()));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void waitForInterruptedWhileWaiting_communicate_throwsInterruptedException_andGoesOnLater(boolean virtual)
            throws Exception {
        Path written = tmp.resolve("written");
        Subprocess p = Command.of("sh", "-c", "echo before; touch " + written + "; exec sleep 60").start();
        Procs.await("the child wrote its line", () -> Files.exists(written)); // read in communicate's first round
        Outcome o = interruptWhileWaiting(virtual, aboutToWait -> {
            aboutToWait.countDown();
            p.communicate(null, Duration.ofSeconds(60));
        });
        assertEquals(InterruptedException.class, o.thrown() == null ? null : o.thrown().getClass(),
                String.valueOf(o.thrown()));
        assertFalse(o.stillInterrupted());
        assertTrue(p.isAlive(), "an interrupted communicate leaves the child running, as a timeout does");
        p.kill();
        CompletedProcess r = p.communicate();
        assertEquals("before\n", r.stdoutText(), "what was read before the interrupt is kept");
    }

    @Test
    void waitForInterruptedWhileWaiting_pipelineRun_throwsInterruptedException() throws Exception {
        Outcome o = interruptWhileWaiting(false, aboutToWait -> {
            aboutToWait.countDown();
            Pipeline.of(Command.of("sleep", "60"), Command.of("cat")).run();
        });
        assertEquals(InterruptedException.class, o.thrown() == null ? null : o.thrown().getClass(),
                String.valueOf(o.thrown()));
        assertFalse(o.stillInterrupted());
    }

    @Test
    void waitForInterruptedBeforeWaiting_communicate_throwsInterruptedException() throws Exception {
        Subprocess p = Command.of("sleep", "60").start();
        try {
            Thread.currentThread().interrupt();
            try {
                p.communicate();
                throw new AssertionError("communicate() was not interrupted");
            } catch (InterruptedException expected) {
                assertFalse(Thread.currentThread().isInterrupted());
            }
        } finally {
            Thread.interrupted();
            p.kill();
            p.waitFor();
        }
    }
}
