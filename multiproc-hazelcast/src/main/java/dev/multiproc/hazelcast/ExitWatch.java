package dev.multiproc.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lets a JVM end with cluster pools open, as it ends with a {@code ProcessPool} open.
 *
 * <h2>Why a watch</h2>
 * A Hazelcast client's threads are not daemons, and cannot be made daemons: its thread
 * factories set every thread they make to non-daemon, and offer no setting. So an open client
 * would keep this JVM alive after {@code main} returns. A daemon thread checks, four times a
 * second while a pool is open, whether any non-daemon thread is left besides the open clients'
 * own threads (named after their instance, which is the pool's name) and the threads that only
 * wait for the others to end: the launcher's {@code DestroyJavaVM}, and a multiproc child JVM's
 * main, which waits for its task's non-daemon threads before it exits. When none is left, the
 * JVM would have ended but for the clients: each is shut down, its members see it leave and
 * kill its running tasks, and the JVM ends.
 */
final class ExitWatch {
    private static final long PERIOD_MILLIS = 250;
    private static final String CHILD_WAIT = "dev.multiproc.internal.child.NonDaemonThreads";
    private record Watched(String instanceName, Runnable close) {}

    private static final Map<HazelcastInstance, Watched> OPEN = new LinkedHashMap<>();
    private static Thread watcher;

    private ExitWatch() {}

    /** Watches {@code client}, whose threads are named after {@code instanceName}; {@code close} ends it. */
    static synchronized void add(HazelcastInstance client, String instanceName, Runnable close) {
        OPEN.put(client, new Watched(instanceName, close));
        if (watcher == null) {
            watcher = Thread.ofPlatform().daemon().name("multiproc-cluster-exit-watch").start(ExitWatch::watch);
        }
    }

    /** Stops watching {@code client}: it is being shut down. */
    static synchronized void remove(HazelcastInstance client) {
        OPEN.remove(client);
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            List<Watched> idle;
            synchronized (ExitWatch.class) {
                if (OPEN.isEmpty() || !onlyClientsLeft(OPEN.values().stream().map(Watched::instanceName).toList())) {
                    continue;
                }
                idle = List.copyOf(OPEN.values());
                OPEN.clear();
            }
            for (Watched w : idle) {
                try {
                    w.close().run();
                } catch (RuntimeException e) {
                    // it was closing already
                }
            }
        }
    }

    /** True if every live non-daemon platform thread is an open client's, or only waits for the JVM to end. */
    static boolean onlyClientsLeft(List<String> instanceNames) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        int n = root.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t.isDaemon() || !t.isAlive() || t.getName().equals("DestroyJavaVM")
                    || isClientThread(t.getName(), instanceNames) || waitsForTheOthers(t)) {
                continue;
            }
            return false;
        }
        return true;
    }

    private static boolean isClientThread(String thread, List<String> instanceNames) {
        for (String name : instanceNames) {
            if (thread.startsWith(name + ".") || thread.startsWith("hz." + name + ".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean waitsForTheOthers(Thread t) {
        if (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals(CHILD_WAIT)) {
                return true;
            }
        }
        return false;
    }
}
