package dev.multiproc.pooltesting;

import dev.multiproc.ProcessPool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JVM with a small heap whose pool gets a {@link NestedArraysResult} back: prints
 * {@code outcome CLASS: MESSAGE} for the exception its future failed with (or
 * {@code outcome value ...} / {@code outcome incomplete}), then {@code next N} for a task run
 * afterwards, and exits.
 */
public final class HostileResultMain {
    private HostileResultMain() {}

    public static void main(String[] args) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1)
                .jvmOptions("--add-opens=java.base/java.io=ALL-UNNAMED").build()) {
            CompletableFuture<NestedArraysResult> f = pool.submit(NestedArraysResult::new);
            try {
                System.out.println("outcome value " + f.get(Long.parseLong(args[0]), TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                StringBuilder chain = new StringBuilder();
                for (Throwable t = c; t != null; t = t.getCause()) {
                    chain.append(" <- ").append(t.getClass().getName());
                }
                System.out.println("outcome " + c.getClass().getName() + ": " + c.getMessage().replace('\n', ' ')
                        + " [chain" + chain + "]");
            } catch (TimeoutException e) {
                System.out.println("outcome incomplete");
            }
            System.out.println("next " + pool.submit(() -> 6 * 7).get(Long.parseLong(args[0]), TimeUnit.SECONDS));
            System.out.flush();
            pool.shutdownNow();
        }
        System.exit(0);
    }
}
