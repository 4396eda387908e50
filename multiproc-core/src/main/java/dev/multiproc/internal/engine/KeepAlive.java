package dev.multiproc.internal.engine;

/**
 * A non-daemon thread that exists exactly while at least one non-daemon child JVM runs, so that
 * this JVM does not exit after {@code main} returns while such a child lives (the JVM waits for
 * its non-daemon threads before it runs the shutdown hooks). One thread, however many children.
 */
final class KeepAlive {
    private static final Object LOCK = new Object();
    private static int count;
    private static Thread thread;

    private KeepAlive() {}

    static void acquire() {
        synchronized (LOCK) {
            count++;
            if (thread == null) {
                thread = Thread.ofPlatform().name("multiproc-keepalive").daemon(false).unstarted(KeepAlive::hold);
                thread.setContextClassLoader(null); // library threads pin no loader (docs/decisions.md)
                thread.start();
            }
        }
    }

    static void release() {
        synchronized (LOCK) {
            count--;
            LOCK.notifyAll();
        }
    }

    private static void hold() {
        synchronized (LOCK) {
            while (count > 0) {
                try {
                    LOCK.wait();
                } catch (InterruptedException e) {
                    // only the children's ends let it go
                }
            }
            thread = null;
        }
    }
}
