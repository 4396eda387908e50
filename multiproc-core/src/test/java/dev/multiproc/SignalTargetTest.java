package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three handles are one shape: a command, a child JVM and a detached process are signalled,
 * watched and waited for through {@link SignalTarget} alone, with the same answers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalTargetTest {
    enum Kind { COMMAND, JVM, DETACHED }

    /** A handle on a process that runs until it is signalled. */
    private static SignalTarget start(Kind kind) throws Exception {
        return switch (kind) {
            case COMMAND -> Command.of("sleep", "60").start();
            case JVM -> JvmProcess.builder().daemon(true).start(() -> {
                Thread.sleep(60_000);
                return 0;
            });
            case DETACHED -> Command.of("sleep", "60").detached().start();
        };
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachHandle_throughTheSharedShape_isSignalledWatchedAndWaitedFor(Kind kind) throws Exception {
        SignalTarget p = start(kind);
        try {
            assertTrue(p.pid() > 0);
            assertTrue(p.isAlive());
            assertFalse(p.join(Duration.ZERO), "a zero timeout looks once");
            assertFalse(p.join(Duration.ofMillis(-5)), "so does a negative one");
            assertFalse(p.join(Duration.ofMillis(50)));
            var exit = p.onExit();
            assertFalse(exit.isDone());
            assertTrue(p.terminate());
            assertTrue(p.join(Procs.PATIENCE), kind + " did not end after SIGTERM");
            assertFalse(p.isAlive());
            assertTrue(p.join(Duration.ZERO), "a look after the end finds it ended");
            Object value = exit.get(20, TimeUnit.SECONDS);
            switch (p) {
                case Subprocess _ -> assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), value);
                case JvmProcess<?> j -> assertEquals(j.exitStatus().orElseThrow(), value); // -15 once its task runs
                case DetachedProcess _ -> assertNull(value, "a detached process has no status for us");
            }
            assertFalse(p.signal(Signal.SIGTERM), "after the end nothing is sent");
            assertFalse(p.kill());
            assertFalse(p.terminate());
        } finally {
            release(p);
        }
    }

    /** Kills {@code p} if it still runs, waits for its end, and lets go of a detached one's pidfd. */
    private static void release(SignalTarget p) throws InterruptedException {
        p.kill();
        p.join(Procs.PATIENCE);
        if (p instanceof DetachedProcess d) {
            d.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachHandle_kill_endsItAtOnce(Kind kind) throws Exception {
        SignalTarget p = start(kind);
        try {
            assertTrue(p.kill());
            assertTrue(p.join(Procs.PATIENCE));
            if (p instanceof Subprocess s) {
                assertEquals(-9, s.exitStatus().orElseThrow().returncode());
            } else if (p instanceof JvmProcess<?> j) {
                assertEquals(-9, j.exitStatus().orElseThrow().returncode());
            }
        } finally {
            release(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachHandle_joinWithoutATimeout_isRefused(Kind kind) throws Exception {
        SignalTarget p = start(kind);
        try {
            assertThrows(NullPointerException.class, () -> p.join(null));
            assertThrows(NullPointerException.class, () -> p.signal(null));
        } finally {
            release(p);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void eachHandle_onExitStages_runOnAVirtualThread_notTheEventThread(Kind kind) throws Exception {
        SignalTarget p = start(kind);
        try {
            var stage = p.onExit().thenApply(v -> Thread.currentThread());
            p.kill();
            Thread ran = stage.get(20, TimeUnit.SECONDS);
            assertTrue(ran.isVirtual(), kind + ": a stage ran on " + ran);
            assertFalse(ran.getName().equals("multiproc-events"), kind + ": a stage ran on the event thread");
        } finally {
            release(p);
        }
    }

    @Test
    void aJvmProcessNotStarted_refusesWhatNeedsAProcess_butIsNotAlive() {
        SignalTarget p = JvmProcess.of(() -> 1);
        assertFalse(p.isAlive());
        assertThrows(IllegalStateException.class, p::pid);
        assertThrows(IllegalStateException.class, () -> p.signal(Signal.SIGTERM));
        assertThrows(IllegalStateException.class, p::terminate);
        assertThrows(IllegalStateException.class, p::onExit);
        assertThrows(IllegalStateException.class, () -> p.join(Duration.ZERO));
    }

    @Test
    void theShape_isSealedToTheThreeHandles() {
        assertTrue(SignalTarget.class.isSealed());
        assertEquals(Set.of(Subprocess.class, JvmProcess.class, DetachedProcess.class),
                Set.of(SignalTarget.class.getPermittedSubclasses()));
    }
}
