package dev.multiproc.pooltesting;

import dev.multiproc.ProcessPool;

/**
 * A parent JVM with a busy pool, for the test that kills it: starts a pool of two workers,
 * gives them tasks that sleep, prints {@code child PID} for each worker and {@code main done},
 * then waits to be killed.
 */
public final class PoolParentMain {
    private PoolParentMain() {}

    public static void main(String[] args) throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(2).build();
        for (int i = 0; i < 6; i++) {
            pool.submit(() -> {
                PoolTasks.sleep(60_000);
                return null;
            });
        }
        while (pool.workerPids().size() < 2) {
            Thread.sleep(10);
        }
        Thread.sleep(500); // let both workers start their tasks
        for (long pid : pool.workerPids()) {
            System.out.println("child " + pid);
        }
        System.out.println("main done");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
