package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Child JVMs cost this JVM no platform thread each: reading their replies and stderr parks virtual threads. */
class JvmProcessThreadsTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void platform_threads_do_not_grow_with_the_number_of_children() throws Exception {
        JvmProcess.start(() -> 0).join(); // the engine's threads, started once
        int before = Thread.getAllStackTraces().size();
        List<JvmProcess<Integer>> children = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            children.add(JvmProcess.builder().stdout(Redirect.DISCARD).start(() -> {
                System.err.print("");
                Thread.sleep(3000);
                return n;
            }));
        }
        Thread.sleep(1500);
        int during = Thread.getAllStackTraces().size();
        for (int i = 0; i < children.size(); i++) {
            assertEquals(i, children.get(i).result());
        }
        // The keep-alive thread, and the carriers of the virtual threads (at most one per core).
        int allowance = 1 + Runtime.getRuntime().availableProcessors() + 2;
        assertTrue(during - before <= allowance, "platform threads grew from " + before + " to " + during
                + " with 10 children");
    }
}
