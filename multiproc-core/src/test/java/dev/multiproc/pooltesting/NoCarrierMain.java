package dev.multiproc.pooltesting;

import dev.multiproc.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM whose virtual threads cannot run: started with one carrier thread at most, which a
 * virtual thread spinning on the CPU holds, as a JVM short of threads holds none to give. Builds
 * a pool of two workers first, then takes the carrier, kills a worker, and prints
 * {@code replaced} once the pool has two other workers (or {@code not replaced} and the pool's
 * state at the deadline), then {@code ok N} for 100 tasks. Argument: the patience, in seconds.
 */
public final class NoCarrierMain {
    private static volatile boolean spin = true;

    private NoCarrierMain() {}

    public static void main(String[] args) throws Exception {
        long patience = Long.parseLong(args[0]);
        try (ProcessPool pool = ProcessPool.builder().name("no-carrier").workers(2).build()) {
            List<CompletableFuture<Long>> warm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                warm.add(pool.submit(() -> {
                    PoolTasks.sleep(20);
                    return PoolTasks.pid();
                }));
            }
            for (CompletableFuture<Long> f : warm) {
                f.get(patience, TimeUnit.SECONDS);
            }
            Thread.ofVirtual().start(() -> {
                while (spin) {
                    Thread.onSpinWait(); // never parks, so never gives its carrier back
                }
            });
            Thread.sleep(200); // the spinner has the carrier
            List<Long> before = pool.workerPids();
            long victim = before.getFirst();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(patience);
            List<Long> now = pool.workerPids();
            while ((now.size() < 2 || now.contains(victim)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
                now = pool.workerPids();
            }
            System.out.println(now.size() == 2 && !now.contains(victim) ? "replaced" : "not replaced " + pool);
            List<CompletableFuture<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int k = i;
                tasks.add(pool.submit(() -> k + 1));
            }
            int ok = 0;
            for (int i = 0; i < tasks.size(); i++) {
                if (tasks.get(i).get(patience, TimeUnit.SECONDS) == i + 1) {
                    ok++;
                }
            }
            System.out.println("ok " + ok);
            spin = false;
        }
        System.exit(0);
    }
}
