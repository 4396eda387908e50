package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Footprint;
import dev.multiproc.testing.Procs;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code ProcessPool.build()} that fails, even with an {@link Error}, leaves nothing behind:
 * no fd (its epoll set, its eventfd, the workers' pipes), no thread, no worker process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolBuildFailureTest {
    /**
     * Test-only: the build throws an {@link InternalError} after starting this many workers (3, of
     * 2: once everything is started, the pool's thread included).
     */
    private static final String FAIL_BUILD = "dev.multiproc.pool.failBuildAfterWorkers";

    @Test
    void aBuildThatThrowsAnError_releasesItsFdsThreadsAndWorkers() throws Exception {
        try (ProcessPool warm = ProcessPool.builder().workers(1).build()) {
            warm.submit(() -> 1).get(); // the engine's own threads and fds exist from now on
        }
        Procs.warmUp();
        Thread.ofVirtual().start(() -> PoolTasks.sleep(1)).join(); // starts the JDK's delay scheduler thread, which stays
        for (int startedWorkers = 0; startedWorkers <= 3; startedWorkers++) {
            Footprint before = Footprint.take();
            System.setProperty(FAIL_BUILD, Integer.toString(startedWorkers));
            try {
                InternalError e = assertThrows(InternalError.class, () -> ProcessPool.builder().workers(2).build());
                assertTrue(e.getMessage().contains(FAIL_BUILD), e.getMessage());
            } finally {
                System.clearProperty(FAIL_BUILD);
            }
            String after = "after a build that failed at step " + startedWorkers;
            boolean clean = Procs.poll(Procs.PATIENCE, () -> {
                try {
                    before.assertNothingLeftBehind(after);
                    return true;
                } catch (AssertionError e) {
                    return false;
                }
            });
            if (!clean) {
                before.assertNothingLeftBehind(after);
            }
        }
    }
}
