package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.ContextLoaderMain;
import dev.multiproc.testing.Procs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library's own threads (the event thread, the exit hooks, the keep-alive thread) have no
 * context class loader, so the loader of whichever thread first used the library is not pinned
 * for the life of the JVM; a pool's thread, which runs its users' stages, has its builder's
 * until the pool is closed.
 *
 * <p>Mirrors the JDK's {@code test/jdk/java/lang/ProcessBuilder/ProcessReaperCCL.java}
 * ("verify that Process Reaper threads have a null CCL"), and goes one step further: the
 * loader, once dropped, is collected.
 */
class ProcessReaperCclTest {

    @Test
    @Timeout(180)
    void processReaperCcl_libraryThreadsHaveNone_andTheFirstUsersLoaderIsCollected() throws Exception {
        CompletedProcess r = Procs.java(List.of(), ContextLoaderMain.class).stdin(Redirect.DISCARD).run();
        String out = r.stdoutText();
        assertEquals(ExitStatus.exited(0), r.exitStatus(), out + r.stderrText());
        List<String> lines = out.lines().toList();
        assertTrue(lines.getFirst().contains("multiproc-events=null"), out);
        assertTrue(!lines.getFirst().contains("=other"), "a library thread holds a loader: " + out);
        assertEquals("collected true", lines.get(1), out);
    }

    @Test
    @Timeout(120)
    void onExitStages_runWithTheCallersLoader_forCommandsAndChildJvms() throws Exception {
        ClassLoader mine = new java.net.URLClassLoader(new java.net.URL[0], getClass().getClassLoader());
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        self.setContextClassLoader(mine);
        try {
            Subprocess command = Command.of("true").start();
            JvmProcess<Integer> jvm = JvmProcess.start(() -> 1);
            ClassLoader seenByCommand = command.onExit()
                    .thenApply(status -> Thread.currentThread().getContextClassLoader()).get();
            ClassLoader seenByJvm = jvm.onExit()
                    .thenApply(status -> Thread.currentThread().getContextClassLoader()).get();
            assertSame(mine, seenByCommand);
            assertSame(mine, seenByJvm);
        } finally {
            self.setContextClassLoader(before);
        }
    }
}
