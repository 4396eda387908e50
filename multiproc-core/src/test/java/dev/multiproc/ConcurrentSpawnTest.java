package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.Procs;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts from many threads at once must never cross their pipes, nor let one child hold
 * another's pipe open (its reader would then wait for a stranger's exit).
 */
class ConcurrentSpawnTest {

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
