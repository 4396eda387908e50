package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.wire.RemoteThrowable;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A result (or an exception) whose deserialization here throws an {@code Error} is reported as
 * a {@link ChildFailedException} carrying it, never thrown raw; and every later call of
 * {@code result()} reports the same.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessErrorResultTest {

    /** A value that serializes in the child and whose reading throws {@code error}. */
    static final class Poisoned implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String error;

        Poisoned(String error) {
            this.error = error;
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            throw switch (error) {
                case "assertion" -> new AssertionError("readObject refuses");
                default -> new OutOfMemoryError("readObject ran out of memory");
            };
        }
    }

    /** An exception that serializes in the child and whose reading here throws an {@code AssertionError}. */
    static final class PoisonedException extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        PoisonedException(String message) {
            super(message);
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            throw new AssertionError("readObject refuses the exception");
        }
    }

    @Test
    void a_result_whose_readObject_throws_an_AssertionError_is_a_ChildFailedException() throws Exception {
        JvmProcess<Poisoned> p = JvmProcess.start(() -> new Poisoned("assertion"));
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        AssertionError cause = assertInstanceOf(AssertionError.class, e.getCause());
        assertEquals("readObject refuses", cause.getMessage());
        assertTrue(e.getMessage().contains("cannot be deserialized in this JVM"), e.getMessage());
        assertEquals(ExitStatus.exited(0), e.exitStatus().orElseThrow());
        ChildFailedException again = assertThrows(ChildFailedException.class, p::result);
        assertSame(e, again, "result() reports the same failure every time");
    }

    @Test
    void a_result_whose_readObject_throws_an_OutOfMemoryError_is_a_ChildFailedException() throws Exception {
        JvmProcess<Poisoned> p = JvmProcess.start(() -> new Poisoned("oom"));
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertInstanceOf(OutOfMemoryError.class, e.getCause());
    }

    @Test
    void an_exception_whose_readObject_throws_comes_back_as_its_stand_in() throws Exception {
        JvmProcess<String> p = JvmProcess.builder().stderr(Redirect.DISCARD).start(() -> {
            throw new PoisonedException("thrown in the child");
        });
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(PoisonedException.class.getName(), e.remoteClassName().orElseThrow());
        RemoteThrowable standIn = assertInstanceOf(RemoteThrowable.class, e.getCause());
        assertEquals(PoisonedException.class.getName() + ": thrown in the child", standIn.toString());
        assertInstanceOf(AssertionError.class, standIn.getSuppressed()[0]);
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
    }
}
