package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A signal or a wait racing with the child's exit and reap must never throw, hang, or give
 * an answer the handle contradicts a moment later.
 */
class RacesTest {
    private static final int ROUNDS = 500;
    private static final ExitStatus KILLED = ExitStatus.signaled(Signal.SIGKILL, false);

    @Test
    @Timeout(180)
    void kill_racingNaturalExit() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            Subprocess p = quickChild();

            boolean sent = p.kill();
            if (!sent) {
                assertTrue(p.exitStatus().isPresent(), "kill said reaped, the status is not there");
            }
            boolean alive = p.isAlive();
            if (!alive) {
                assertTrue(p.exitStatus().isPresent(), "isAlive said ended, the status is not there");
            }

            ExitStatus status = p.waitFor();
            assertTrue(Set.of(ExitStatus.exited(0), KILLED).contains(status), status::toString);
            if (!sent) {
                assertEquals(ExitStatus.exited(0), status, "not sent, yet killed");
            }
            assertFalse(p.kill());
        }
    }

    @Test
    @Timeout(180)
    void waitFor_racingReapFromThreeThreads() throws Exception {
        CyclicBarrier start = new CyclicBarrier(3);
        for (int i = 0; i < ROUNDS; i++) {
            Subprocess p = quickChild();
            List<CompletableFuture<ExitStatus>> others = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                boolean timed = t == 0;
                others.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(1, TimeUnit.MINUTES);
                        return timed ? p.waitFor(Duration.ofMinutes(1)).orElseThrow() : p.waitFor();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, Thread::startVirtualThread));
            }
            start.await(1, TimeUnit.MINUTES);
            ExitStatus mine = p.waitFor();

            assertEquals(ExitStatus.exited(0), mine);
            for (CompletableFuture<ExitStatus> other : others) {
                assertEquals(mine, other.get(1, TimeUnit.MINUTES));
            }
        }
    }

    @Test
    @Timeout(180)
    void signal_racingReapFromAnotherThread() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            Subprocess p = quickChild();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread signaller = Thread.ofPlatform().start(() -> {
                try {
                    while (p.signal(Signal.SIGCONT)) {
                        Thread.onSpinWait();
                    }
                    if (p.exitStatus().isEmpty()) {
                        throw new AssertionError("signal said reaped, the status is not there");
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });

            ExitStatus status = p.waitFor();
            signaller.join();

            assertNull(failure.get(), () -> "signaller failed: " + failure.get());
            assertEquals(ExitStatus.exited(0), status);
            assertFalse(p.signal(Signal.SIGCONT));
        }
    }

    @Test
    @Timeout(180)
    void killTree_racingNaturalExit() throws Exception {
        for (int i = 0; i < ROUNDS / 5; i++) {
            Subprocess p = Command.of("sh", "-c", "true & exit 0").stdin(Redirect.DISCARD)
                    .stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();

            ExitStatus status = p.killTree(Duration.ZERO);

            assertTrue(Set.of(ExitStatus.exited(0), KILLED, ExitStatus.signaled(Signal.SIGTERM, false))
                    .contains(status), status::toString);
            assertEquals(status, p.waitFor());
        }
    }

    private static Subprocess quickChild() throws Exception {
        return Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
    }
}
