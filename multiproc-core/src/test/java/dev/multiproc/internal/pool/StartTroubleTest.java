package dev.multiproc.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.ExitStatus;
import dev.multiproc.ProcessStartException;
import dev.multiproc.Signal;
import dev.multiproc.internal.posix.ErrnoException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which failed worker starts may pass next time, and how long the pool waits before the next. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StartTroubleTest {
    private static final int EAGAIN = 11;
    private static final int ENOMEM = 12;
    private static final int EMFILE = 24;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;

    @Test
    void aWorkerKilledBySignal_mayPass() {
        assertTrue(StartTrouble.mayPassExit(ExitStatus.signaled(Signal.SIGKILL, false), ""));
        assertTrue(StartTrouble.mayPassExit(ExitStatus.signaled(Signal.SIGTERM, false), "whatever it said"));
    }

    @Test
    void aJvmShortOfThreadsOrMemory_mayPass() {
        assertTrue(StartTrouble.mayPassExit(ExitStatus.exited(1), "Error occurred during initialization of VM\n"
                + "java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource"
                + " limits reached"));
        assertTrue(StartTrouble.mayPassExit(ExitStatus.exited(1), "[0.01s][warning][os,thread] Failed to start thread"
                + " \"GC Thread#0\" - pthread_create failed (EAGAIN) for attributes: stacksize: 1024k"));
        assertTrue(StartTrouble.mayPassExit(ExitStatus.exited(1), "# There is insufficient memory for the Java Runtime"
                + " Environment to continue."));
        assertTrue(StartTrouble.mayPassExit(ExitStatus.exited(3), "worker: the task ran out of memory; the worker exits\n"
                + "java.lang.OutOfMemoryError: Java heap space"));
    }

    @Test
    void aJvmThatRefusesItsOptions_orMissesItsClass_wouldFailAgain() {
        assertFalse(StartTrouble.mayPassExit(ExitStatus.exited(1), "Unrecognized VM option 'NoSuchOption'\n"
                + "Error: Could not create the Java Virtual Machine.\n"
                + "Error: A fatal exception has occurred. Program will exit."));
        assertFalse(StartTrouble.mayPassExit(ExitStatus.exited(1),
                "Error: Could not find or load main class dev.multiproc.internal.jvm.ChildMain"));
        assertFalse(StartTrouble.mayPassExit(ExitStatus.exited(1), ""));
    }

    @Test
    void aSpawnShortOfProcessesMemoryOrFds_mayPass_aMissingJava_wouldFailAgain() {
        assertTrue(StartTrouble.mayPassSpawn(new ErrnoException("pipe2", EMFILE)));
        assertTrue(StartTrouble.mayPassSpawn(new ProcessStartException("Cannot start a child JVM", "java", "EAGAIN",
                new ErrnoException("posix_spawnp", EAGAIN))));
        assertTrue(StartTrouble.mayPassSpawn(new IOException("wrapped", new ErrnoException("posix_spawnp", ENOMEM))));
        assertTrue(StartTrouble.mayPassSpawn(new OutOfMemoryError("unable to create native thread")));
        assertFalse(StartTrouble.mayPassSpawn(new ProcessStartException("Cannot start a child JVM", "java", "ENOENT",
                new ErrnoException("posix_spawnp", ENOENT))));
        assertFalse(StartTrouble.mayPassSpawn(new ProcessStartException("Cannot start a child JVM", "java", "EACCES",
                new ErrnoException("posix_spawnp", EACCES))));
        assertFalse(StartTrouble.mayPassSpawn(new IllegalStateException("a bug")));
    }

    @Test
    void theDelay_doublesFrom100Milliseconds_upTo5Seconds() {
        assertEquals(0, StartTrouble.delayNanos(0));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), StartTrouble.delayNanos(1));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(200), StartTrouble.delayNanos(2));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(3200), StartTrouble.delayNanos(6));
        assertEquals(TimeUnit.SECONDS.toNanos(5), StartTrouble.delayNanos(7));
        assertEquals(TimeUnit.SECONDS.toNanos(5), StartTrouble.delayNanos(1000));
    }
}
