package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts from many threads at once must never cross their pipes, nor let one child hold
 * another's pipe open (its reader would then wait for a stranger's exit); a spawn runs on the
 * caller's thread, and no kind of caller (virtual, interrupted) may lose a child.
 */
class ConcurrentSpawnTest {

    @Test
    @Timeout(120)
    void starts_from300VirtualThreadsAtOnce_eachGetsItsOwnChild() throws Exception {
        List<CompletableFuture<String>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 300; i++) {
                String token = "child " + i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        CompletedProcess r = Command.of("echo", token).run().check();
                        return r.stdoutText().strip();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, threads));
            }
        }
        for (int i = 0; i < 300; i++) {
            assertEquals("child " + i, results.get(i).get(1, TimeUnit.MINUTES));
        }
    }

    @Test
    @Timeout(60)
    void start_fromAnInterruptedThread_startsTheChildAndKeepsTheInterrupt() throws Exception {
        for (int round = 0; round < 200; round++) {
            Thread.currentThread().interrupt();
            Subprocess p;
            try {
                p = Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).start();
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt was kept");
            }
            assertEquals(ExitStatus.exited(0), p.waitFor());
        }
    }

    @Test
    @Timeout(180)
    void starts_from8ThreadsWhileLongLivedChildrenComeAndGo() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
            try {
                while (!done.get()) {
                    Subprocess longLived = Command.of("sleep", "60").start(); // pipes on all three
                    Thread.sleep(5);
                    longLived.kill();
                    longLived.close();
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, Thread::startVirtualThread);

        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            workers.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        String token = "thread " + thread + " round " + i + "\n";
                        Subprocess p = Command.of("cat").start();
                        try (OutputStream in = p.stdin()) {
                            in.write(token.getBytes(StandardCharsets.UTF_8));
                        }
                        assertEquals(token, Procs.readAll(p.stdout()));
                        assertEquals("", Procs.readAll(p.stderr()));
                        assertEquals(ExitStatus.exited(0), p.waitFor());
                        p.close();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, Thread.ofPlatform()::start));
        }

        try {
            for (CompletableFuture<Void> worker : workers) {
                // a reader held up by a stranger's copy of its pipe would wait 60 s for that sleep
                worker.get(150, TimeUnit.SECONDS);
            }
        } finally {
            done.set(true);
        }
        churn.get(1, TimeUnit.MINUTES);
    }
}
