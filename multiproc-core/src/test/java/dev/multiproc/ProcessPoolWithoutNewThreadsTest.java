package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.pooltesting.NoCarrierMain;
import dev.multiproc.testing.Procs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool replaces a dead worker in a JVM that can start no thread for it: on a machine short of
 * processes a JVM cannot create threads, and a virtual thread then never runs. The pool handles
 * its faults on its own thread and the engine's, so it needs none: here the JVM's only carrier
 * thread is taken, and the worker killed is still replaced and the pool still serves.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProcessPoolWithoutNewThreadsTest {
    @Test
    void aWorkerKilledWhileNoVirtualThreadCanRun_isReplaced() throws Exception {
        CompletedProcess r = Procs.java(List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                        "-Djdk.virtualThreadScheduler.maxPoolSize=1"), NoCarrierMain.class,
                        Long.toString(Procs.PATIENCE.toSeconds()))
                .stdin(Redirect.DISCARD).stderr(Redirect.INHERIT).timeout(Procs.PATIENCE.multipliedBy(6)).run();
        List<String> lines = r.stdoutText().lines().filter(l -> !l.startsWith("[")).toList();
        assertEquals(List.of("replaced", "ok 100"), lines, r.stdoutText());
        assertEquals(0, r.exitStatus().returncode());
    }
}
