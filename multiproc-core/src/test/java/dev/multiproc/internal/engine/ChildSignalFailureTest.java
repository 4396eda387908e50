package dev.multiproc.internal.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.MultiprocException;
import dev.multiproc.Signal;
import dev.multiproc.internal.posix.Fds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A signal the kernel refuses reaches the caller of {@code Subprocess.signal} and
 * {@code JvmProcess.signal} (both go through {@link Child#signal}) as a {@link MultiprocException}
 * that names the signal, the process and the failed call, not as an {@code UncheckedIOException}
 * around the library's internal errno exception.
 */
class ChildSignalFailureTest {
    @Test
    void signalThroughAnFdThatIsNoPidfd_isAMultiprocException() throws Exception {
        int notAPidfd = Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        try {
            Child child = new Child(Integer.MAX_VALUE, notAPidfd, List.of("nothing"), Child.Kind.COMMAND, null,
                    false, false, false);
            MultiprocException e = assertThrows(MultiprocException.class, () -> child.signal(Signal.SIGUSR1));
            assertTrue(e.getMessage().contains("cannot send SIGUSR1 to process " + Integer.MAX_VALUE)
                    && e.getMessage().contains("EBADF"), e.getMessage());
        } finally {
            Fds.close(notAPidfd);
        }
    }
}
