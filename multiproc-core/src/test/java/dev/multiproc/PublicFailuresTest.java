package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.multiproc.internal.engine.Child;
import dev.multiproc.internal.engine.Engine;
import dev.multiproc.internal.posix.Fds;
import dev.multiproc.testing.Procs;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a public method throws is a public type: a {@link MultiprocException} (or one of its
 * subclasses) for a failure of the library's work, or the JDK type its javadoc names. Never a
 * class of {@code dev.multiproc.internal}, never an {@code UncheckedIOException} from a signal,
 * never an {@code IllegalStateException} for a fault that is not the caller's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublicFailuresTest {
    @FunctionalInterface
    private interface ThrowingCall {
        void call() throws Exception;
    }

    /** {@code t} is a type a caller can name: the library's public package, or the JDK's. */
    private static void assertPublicType(Throwable t) {
        String name = t.getClass().getName();
        assertTrue(name.startsWith("java.") || name.startsWith("dev.multiproc.") && !name.startsWith("dev.multiproc.internal."),
                "a public method threw " + name + ": " + t);
    }

    private static <T extends Throwable> T thrown(Class<T> expected, ThrowingCall call) {
        try {
            call.call();
        } catch (Throwable t) {
            assertPublicType(t);
            if (!expected.isInstance(t)) {
                throw new AssertionError("expected " + expected.getName() + ", got " + t, t);
            }
            return expected.cast(t);
        }
        return fail("expected " + expected.getName() + ", nothing was thrown");
    }

    @Test
    void signalToAnEndedOrReleasedHandle_isFalse_notAFailure() throws Exception {
        Subprocess command = Command.of("true").start();
        command.waitFor();
        assertFalse(command.signal(Signal.SIGTERM));
        JvmProcess<Integer> jvm = JvmProcess.start(() -> 1);
        jvm.join();
        assertFalse(jvm.signal(Signal.SIGTERM));
        DetachedProcess detached = Command.of("sleep", "60").detached().start();
        long pid = detached.pid();
        detached.close();
        assertFalse(detached.signal(Signal.SIGTERM), "a released handle reaches nothing");
        assertFalse(detached.isAlive());
        Multiproc.killTree(pid, Duration.ZERO);
    }

    @Test
    void aSignalTheKernelRefuses_isAMultiprocException_namingTheCallAndItsError() throws Exception {
        // A handle whose pidfd is not a pidfd (/dev/null): every call on it fails in the kernel.
        int notAPidfd = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        try (DetachedProcess p = new DetachedProcess(Integer.MAX_VALUE, notAPidfd, "nothing")) {
            MultiprocException signal = thrown(MultiprocException.class, () -> p.signal(Signal.SIGTERM));
            assertTrue(signal.getMessage().contains("SIGTERM") && signal.getMessage().contains("pidfd_send_signal")
                    && signal.getMessage().contains("EBADF"), signal.getMessage());
            MultiprocException watch = thrown(MultiprocException.class, p::onExit);
            assertTrue(watch.getMessage().contains("cannot watch the end of process"), watch.getMessage());
            thrown(MultiprocException.class, () -> p.join(Duration.ofSeconds(1)));
        }
    }

    @Test
    void aWaitOnACommandWhoseExitRecordFailed_isAMultiprocException_namingTheProcess() throws Exception {
        Subprocess p = Command.of("sleep", "60").start();
        Child child = Engine.get().liveChildren().stream().filter(c -> c.pid() == p.pid()).findFirst().orElseThrow();
        IllegalStateException lost = new IllegalStateException("lost");
        child.exit().completeExceptionally(lost);
        try {
            MultiprocException e = thrown(MultiprocException.class, p::waitFor);
            assertTrue(e.getMessage().contains("process " + p.pid()), e.getMessage());
            assertSame(lost, e.getCause());
            thrown(MultiprocException.class, () -> p.waitFor(Duration.ofSeconds(1)));
            thrown(MultiprocException.class, () -> p.killTree(Duration.ZERO));
        } finally {
            Multiproc.killTree(p.pid(), Duration.ZERO);
            Procs.awaitGone(p.pid());
        }
    }

    @Test
    void aWaitOnAChildJvmWhoseExitRecordFailed_isAMultiprocException() throws Exception {
        JvmProcess<Integer> p = JvmProcess.builder().daemon(true).start(() -> {
            Thread.sleep(60_000);
            return 0;
        });
        Child child = Engine.get().liveChildren().stream().filter(c -> c.pid() == p.pid()).findFirst().orElseThrow();
        child.exit().completeExceptionally(new IllegalStateException("lost"));
        try {
            thrown(MultiprocException.class, p::join);
            thrown(MultiprocException.class, () -> p.join(Duration.ofSeconds(1)));
            thrown(MultiprocException.class, p::result);
        } finally {
            p.kill();
            Procs.awaitGone(p.pid());
        }
    }

    @Test
    void aWriteToAPipeWhoseReaderIsGone_isAPlainIOException() throws Exception {
        // The child waits for a line, so that stdin is taken here before it can end (a pipe
        // nobody took is closed when its child is reaped, and a write would meet that instead).
        Subprocess p = Command.of("sh", "-c", "read line; exec 0<&-; exit 0").start();
        OutputStream in = p.stdin();
        in.write("go\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        in.flush();
        p.waitFor();
        IOException e = thrown(IOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                in.write(new byte[4096]);
            }
        });
        assertEquals(IOException.class, e.getClass());
        assertTrue(e.getMessage().contains("EPIPE"), e.getMessage());
        in.close();
    }

    @Test
    void readingAClosedOutput_isAPlainIOException() throws Exception {
        Subprocess p = Command.of("echo", "hi").start();
        ProcessOutput out = p.stdout();
        out.close();
        IOException e = thrown(IOException.class, out::read);
        assertEquals(IOException.class, e.getClass());
        p.waitFor();
    }

    @Test
    void aPidNoProcessCanHave_namesNoProcess() {
        // It was cast to an int: 2^32 + 1 named PID 1.
        assertTrue(ProcessEntry.of((1L << 32) + 1).isEmpty());
        assertFalse(ProcessEntry.isRunning((1L << 32) + 1));
        assertTrue(ProcessEntry.of(0).isEmpty());
        assertTrue(ProcessEntry.of(-1).isEmpty());
    }
}
