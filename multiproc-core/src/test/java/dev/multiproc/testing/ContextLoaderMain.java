package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessPool;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.TreeMap;

/**
 * Uses the library for the first time from a thread whose context class loader is a loader of
 * the application's own (as a web application's is), with commands, a child JVM and a pool,
 * then drops that loader and prints whether it could be collected, and the context class
 * loader of each of the library's threads still alive ({@code name=null} or
 * {@code name=other}).
 */
public final class ContextLoaderMain {
    private ContextLoaderMain() {}

    public static void main(String[] args) throws Exception {
        WeakReference<ClassLoader> ref = useTheLibraryFrom(new URLClassLoader(new URL[0]));
        Map<String, String> loaders = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("multiproc")) {
                loaders.put(t.getName(), t.getContextClassLoader() == null ? "null" : "other");
            }
        }
        boolean collected = false;
        for (int i = 0; i < 100 && !collected; i++) {
            System.gc();
            Thread.sleep(50);
            collected = ref.get() == null;
        }
        System.out.println("threads " + loaders);
        System.out.println("collected " + collected);
    }

    private static WeakReference<ClassLoader> useTheLibraryFrom(ClassLoader loader) throws Exception {
        Thread user = new Thread(() -> {
            try {
                Command.of("true").run();
                Command.of("true").survivesParent().start().waitFor();
                JvmProcess.start(() -> 42).result();
                try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
                    pool.submit(() -> 1).join();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "user");
        user.setContextClassLoader(loader);
        user.start();
        user.join();
        return new WeakReference<>(loader);
    }
}
