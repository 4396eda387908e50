package dev.multiproc.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import dev.multiproc.internal.posix.Processes;
import dev.multiproc.testing.Procs;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The end of a process is learned once, whether it is our child (its exit) or not (a pidfd),
 * and a pid that names another process now is never taken for the one watched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessDeathsTest {
    @Test
    void aChildOfOurs_isToldOnceWhenItIsKilled() throws Exception {
        Subprocess child = Command.of("sleep", "60").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        ProcessIdentity who = ProcessIdentity.of((int) child.pid()).orElseThrow();
        CountDownLatch told = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        ProcessDeaths.Watch watch = ProcessDeaths.get().watch(who, w -> {
            calls.incrementAndGet();
            told.countDown();
        });
        assertFalse(watch.died());
        assertFalse(ProcessDeaths.get().isDead(who));
        child.kill();
        assertTrue(told.await(20, TimeUnit.SECONDS));
        assertTrue(watch.died());
        assertTrue(ProcessDeaths.get().isDead(who));
        Thread.sleep(50);
        assertEquals(1, calls.get());
    }

    @Test
    void aProcessNotOurs_isWatchedThroughAPidfd_andItsFdGoesWithIt() throws Exception {
        String pid = Command.of("sh", "-c", "sleep 60 >/dev/null 2>&1 </dev/null & echo $!").run().stdoutText().strip();
        ProcessIdentity who = ProcessIdentity.of(Integer.parseInt(pid)).orElseThrow();
        int fdsBefore = Procs.openFdCount();
        CountDownLatch told = new CountDownLatch(1);
        ProcessDeaths.Watch watch = ProcessDeaths.get().watch(who, w -> told.countDown());
        assertEquals(fdsBefore + 1, Procs.openFdCount(), "one pidfd");
        Processes.kill(who.pid(), 9);
        assertTrue(told.await(20, TimeUnit.SECONDS));
        assertTrue(watch.died());
        assertEquals(fdsBefore, Procs.openFdCount(), "the pidfd is closed once the process ended");
    }

    @Test
    void aPidWithAnotherStartTime_isAnotherProcess_soTheWatchedOneHasEnded() throws Exception {
        ProcessIdentity self = ProcessIdentity.current();
        ProcessIdentity impostor = new ProcessIdentity(self.pid(), self.startTime() + 1);
        assertFalse(impostor.isAlive());
        CountDownLatch told = new CountDownLatch(1);
        ProcessDeaths.get().watch(impostor, w -> told.countDown());
        assertTrue(told.await(20, TimeUnit.SECONDS), "told at once");
        assertTrue(ProcessDeaths.get().isDead(impostor));
    }

    @Test
    void closingTheLastWatch_stopsWatching_andKeepsNothing() throws Exception {
        Subprocess child = Command.of("sleep", "60").stdout(Redirect.DISCARD).stderr(Redirect.DISCARD).start();
        try {
            ProcessIdentity who = ProcessIdentity.of((int) child.pid()).orElseThrow();
            int before = ProcessDeaths.get().watchedCount();
            AtomicInteger calls = new AtomicInteger();
            ProcessDeaths.Watch a = ProcessDeaths.get().watch(who, w -> calls.incrementAndGet());
            ProcessDeaths.Watch b = ProcessDeaths.get().watch(who, w -> calls.incrementAndGet());
            assertEquals(before + 1, ProcessDeaths.get().watchedCount(), "one entry per process");
            a.close();
            b.close();
            assertEquals(before, ProcessDeaths.get().watchedCount());
            child.kill();
            child.waitFor();
            Thread.sleep(50);
            assertEquals(0, calls.get());
        } finally {
            child.kill();
        }
    }

    @Test
    void thisProcess_isNeverToldDead() {
        ProcessDeaths.Watch watch = ProcessDeaths.get().watch(ProcessIdentity.current(), w -> {
            throw new AssertionError("told of our own death");
        });
        assertFalse(watch.died());
        assertFalse(ProcessDeaths.get().isDead(ProcessIdentity.current()));
        ProcessIdentity packedBack = ProcessIdentity.unpack(ProcessIdentity.current().packed());
        assertEquals(ProcessIdentity.current(), packedBack);
    }
}
