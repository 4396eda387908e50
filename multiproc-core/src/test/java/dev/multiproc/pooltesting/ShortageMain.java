package dev.multiproc.pooltesting;

import dev.multiproc.ProcessPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM that holds a pool while its test takes processes away and gives them back. Reads
 * commands on stdin: {@code build} starts a pool of two workers, runs a task on each and prints
 * {@code workers PID PID}; {@code go} runs 100 tasks and prints {@code ok 100} or
 * {@code failed ...}; end of input ends the pool, waits for its workers to be reaped, and exits.
 */
public final class ShortageMain {
    private ShortageMain() {}

    /** How many worker starts failed in a row, as the pool's {@code toString} says. */
    private static int failedStarts(String state) {
        Matcher m = Pattern.compile("(\\d+) worker starts failed in a row").matcher(state);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    public static void main(String[] args) throws Exception {
        long patience = Long.parseLong(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ProcessPool pool = null;
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.strip()) {
                case "build" -> {
                    pool = ProcessPool.builder().name("shortage").workers(2).build();
                    List<CompletableFuture<Long>> pids = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        pids.add(pool.submit(() -> {
                            PoolTasks.sleep(20);
                            return PoolTasks.pid();
                        }));
                    }
                    for (CompletableFuture<Long> f : pids) {
                        f.get(patience, TimeUnit.SECONDS);
                    }
                    List<Long> workers = pool.workerPids();
                    System.out.println("workers " + workers.get(0) + " " + workers.get(1));
                }
                case "watch" -> {
                    // until the pool says it has retried three failed starts in a row, or broke
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(patience);
                    String state = pool.toString();
                    while (failedStarts(state) < 3 && !pool.isShutdown() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                        state = pool.toString();
                    }
                    System.out.println((failedStarts(state) >= 3 ? "retrying " : "not retrying ") + state);
                }
                case "go" -> {
                    try {
                        List<CompletableFuture<Integer>> tasks = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            int k = i;
                            tasks.add(pool.submit(() -> k * 3));
                        }
                        int ok = 0;
                        for (int i = 0; i < tasks.size(); i++) {
                            if (tasks.get(i).get(patience, TimeUnit.SECONDS) == i * 3) {
                                ok++;
                            }
                        }
                        System.out.println("ok " + ok);
                    } catch (Exception e) {
                        System.out.println("failed " + e.toString().replace('\n', ' ')
                                + (e.getCause() == null ? "" : " / " + e.getCause().toString().replace('\n', ' ')));
                    }
                }
                default -> System.out.println("unknown command " + line);
            }
            System.out.flush();
        }
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(patience, TimeUnit.SECONDS); // its workers reaped: no orphan left
        }
        System.exit(0);
    }
}
