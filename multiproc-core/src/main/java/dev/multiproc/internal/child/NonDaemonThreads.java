package dev.multiproc.internal.child;

/**
 * Waits for the threads that keep a JVM alive: a child JVM ends, as any JVM whose {@code main}
 * returns and as a Python process, only when the last non-daemon thread its task started has
 * ended. The child calls {@code System.exit} itself (for its exit code and to run the hooks at
 * once), so it waits for them first.
 */
final class NonDaemonThreads {
    private NonDaemonThreads() {}

    /**
     * Returns when every live platform thread but the calling one is a daemon thread. Virtual
     * threads are always daemons. An interrupt does not cut the wait short: it is kept.
     */
    static void awaitAllButCurrent() {
        Thread self = Thread.currentThread();
        boolean interrupted = false;
        for (Thread other = firstOther(self); other != null; other = firstOther(self)) {
            try {
                other.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            self.interrupt();
        }
    }

    /** A live non-daemon platform thread other than {@code self}, or null. */
    private static Thread firstOther(Thread self) {
        ThreadGroup root = self.getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        int n = root.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != self && !t.isDaemon() && t.isAlive()) {
                return t;
            }
        }
        return null;
    }
}
