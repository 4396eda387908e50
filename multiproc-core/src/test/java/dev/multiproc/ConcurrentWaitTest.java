package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waiting must never give different answers to different threads, never return early or
 * late, and never run a caller's code on the library's event thread.
 */
class ConcurrentWaitTest {
    private static final String EVENT_THREAD = "multiproc-events";

    @Test
    void waitFor_from8ThreadsAtOnceAllGetTheSameStatus() throws Exception {
        for (int round = 0; round < 20; round++) {
            Subprocess p = Command.of("cat").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
            ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean timed = i % 2 == 0;
                Thread.Builder builder = i < 4 ? Thread.ofPlatform() : Thread.ofVirtual();
                waiters.add(builder.start(() -> {
                    try {
                        results.add(timed ? p.waitFor(Duration.ofMinutes(5)).orElseThrow() : p.waitFor());
                    } catch (Throwable t) {
                        results.add(t);
                    }
                }));
            }
            Procs.await("all 8 threads wait", () -> waiters.stream().allMatch(
                    t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING));
            assertTrue(p.isAlive(), "nobody ended it yet");

            if (round % 2 == 0) {
                p.stdin().close();
            } else {
                p.kill();
            }
            for (Thread t : waiters) {
                t.join();
            }

            ExitStatus expected = round % 2 == 0 ? ExitStatus.exited(0) : ExitStatus.signaled(Signal.SIGKILL, false);
            assertEquals(8, results.size());
            for (Object result : results) {
                assertEquals(expected, result);
            }
            p.close();
        }
    }

    @Test
    @Timeout(240)
    void waitFor_ofShortChildrenRacingTheEventLoop_neverLosesAStatusNorAPidfd() throws Exception {
        // Platform threads poll the pidfd themselves for a moment and may reap the child before
        // the event loop does; the loop may reap it under their poll. Either way every waiter
        // gets the one status, and the pidfd is closed once, by whoever holds it last.
        long pidfdsBefore = pidfds();
        Executor platform = task -> Thread.ofPlatform().start(task);
        for (int round = 0; round < 300; round++) {
            int code = round % 256;
            Subprocess p = Command.of("sh", "-c", "exit " + code).stdin(Redirect.DISCARD)
                    .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
            List<CompletableFuture<ExitStatus>> waits = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean timed = i % 2 == 1;
                waits.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        if (!timed) {
                            return p.waitFor();
                        }
                        Optional<ExitStatus> status = Optional.empty();
                        while (status.isEmpty()) {
                            status = p.waitFor(Duration.ofMillis(2));
                        }
                        return status.get();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                }, round % 3 == 0 && i == 3 ? Thread::startVirtualThread : platform));
            }
            assertEquals(ExitStatus.exited(code), p.waitFor());
            for (CompletableFuture<ExitStatus> wait : waits) {
                assertEquals(ExitStatus.exited(code), wait.get(1, TimeUnit.MINUTES), "round " + round);
            }
        }
        Procs.await("every pidfd of those children closed", () -> pidfds() <= pidfdsBefore);
    }

    @Test
    void waitFor_onAnInterruptedThreadThrowsAtOnce() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            Thread.currentThread().interrupt();
            long start = System.nanoTime();
            assertThrows(InterruptedException.class, p::waitFor);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> p.waitFor(Duration.ofMinutes(1)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "returned at once");
            assertTrue(p.isAlive());
        } finally {
            Thread.interrupted();
            p.kill();
            p.waitFor();
        }
    }

    /** How many pidfds this JVM holds open. */
    private static long pidfds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("pidfd");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void waitFor_timingOutReturnsEmptyAndLeavesChildRunning() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            assertEquals(Optional.empty(), p.waitFor(Duration.ofMillis(200)));
            assertEquals(Optional.empty(), p.waitFor(Duration.ZERO));
            assertEquals(Optional.empty(), p.exitStatus());
            assertTrue(p.isAlive());
        } finally {
            p.kill();
        }
        assertEquals(Optional.of(ExitStatus.signaled(Signal.SIGKILL, false)), p.waitFor(Procs.PATIENCE));
    }

    @Test
    void waitFor_longerTimeoutThanNanosCanHoldStillWaits() throws Exception {
        Subprocess p = Procs.sleeper();
        CompletableFuture<Optional<ExitStatus>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return p.waitFor(Duration.ofSeconds(Long.MAX_VALUE));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, Thread::startVirtualThread);

        p.kill();

        assertEquals(Optional.of(ExitStatus.signaled(Signal.SIGKILL, false)), waiting.get(1, TimeUnit.MINUTES));
        assertEquals(Optional.of(p.waitFor()), p.waitFor(Duration.ofDays(365L * 1000)));
    }

    @Test
    void waitFor_interruptedThrowsAndLeavesChildAlone() throws Exception {
        Subprocess p = Procs.sleeper();
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    p.waitFor();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            Procs.await("the thread waits", () -> waiter.getState() == Thread.State.WAITING);
            waiter.interrupt();
            waiter.join();

            assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
            assertTrue(p.isAlive());
        } finally {
            p.kill();
            p.waitFor();
        }
    }

    @Test
    void onExit_completesWithTheStatusAndNeverRunsActionsOnTheEventThread() throws Exception {
        for (int round = 0; round < 50; round++) {
            Subprocess p = Command.of("cat").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
            CompletableFuture<ExitStatus> exit = p.onExit();
            CompletableFuture<String> before = exit.thenApply(s -> Thread.currentThread().getName());
            CompletableFuture<String> whenDone = new CompletableFuture<>();
            exit.whenComplete((s, t) -> whenDone.complete(Thread.currentThread().getName()));

            p.stdin().close();
            ExitStatus status = exit.get(1, TimeUnit.MINUTES);
            CompletableFuture<String> after = p.onExit().thenApply(s -> Thread.currentThread().getName());

            assertEquals(ExitStatus.exited(0), status);
            assertEquals(p.waitFor(), status);
            for (CompletableFuture<String> action : List.of(before, whenDone, after)) {
                String thread = action.get(1, TimeUnit.MINUTES);
                assertNotEquals(EVENT_THREAD, thread);
            }
        }
    }

    @Test
    void onExit_eachCallIsIndependent() throws Exception {
        Subprocess p = Procs.sleeper();
        CompletableFuture<ExitStatus> cancelled = p.onExit();
        cancelled.cancel(false);

        p.kill();

        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), p.onExit().get(1, TimeUnit.MINUTES));
        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), p.waitFor());
        assertThrows(java.util.concurrent.CancellationException.class, cancelled::join);
    }
}
