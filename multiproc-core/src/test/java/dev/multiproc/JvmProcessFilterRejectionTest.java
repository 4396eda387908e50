package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task the deserialization filter rejects is reported as a rejection, naming what was
 * rejected (the class, or the limit it went over) and the filter, not as a class missing from
 * the child's class path; a result rejected here is explained the same way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessFilterRejectionTest {

    /** A task of a class of its own, which a class pattern can name. */
    static final class Answer implements Task<Object> {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Object call() {
            return new Point(4, 2);
        }
    }

    record Point(int x, int y) implements Serializable {}

    @Test
    void a_task_class_the_filter_rejects_is_named_with_the_filter() throws Exception {
        JvmProcess<Object> p = JvmProcess.builder().stderr(Redirect.DISCARD)
                .deserializationFilter("java.base/*;!*").start(new Answer());
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.getMessage().contains("cannot load the task: class " + Answer.class.getName()
                + " is rejected by the deserialization filter \"maxbytes="), e.getMessage());
        assertTrue(e.getMessage().endsWith(";java.base/*;!*\""), e.getMessage());
        assertFalse(e.getMessage().contains("class path"), e.getMessage());
        assertEquals(ExitStatus.exited(1), e.exitStatus().orElseThrow());
    }

    @Test
    void a_task_over_a_limit_names_the_limit() throws Exception {
        int[] big = new int[1000];
        JvmProcess<Integer> p = JvmProcess.builder().stderr(Redirect.DISCARD)
                .deserializationFilter("maxarray=100").start(() -> big.length);
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.getMessage().contains("cannot load the task: an array of 1000 elements (int[]) is longer than"
                + " maxarray: rejected by the deserialization filter \"maxbytes="), e.getMessage());
        assertTrue(e.getMessage().contains(";maxarray=100\""), e.getMessage());
        assertFalse(e.getMessage().contains("class path"), e.getMessage());
    }

    @Test
    void a_result_class_the_filter_rejects_here_is_named_with_the_filter() throws Exception {
        JvmProcess<Object> p = JvmProcess.builder()
                .deserializationFilter("java.base/*;" + Answer.class.getName() + ";!*").start(new Answer());
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertTrue(e.getMessage().contains("cannot be deserialized in this JVM: class " + Point.class.getName()
                + " is rejected by the deserialization filter \""), e.getMessage());
        assertEquals(ExitStatus.exited(0), e.exitStatus().orElseThrow());
    }
}
