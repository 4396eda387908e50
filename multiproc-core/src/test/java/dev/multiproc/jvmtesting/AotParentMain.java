package dev.multiproc.jvmtesting;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessEntry;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run with the library as a jar first on its class path and {@code dev.multiproc.cacheDir}
 * set: starts a child (which records the AOT cache in the background), waits for the cache
 * file, starts another child and prints {@code aot-used} if its command line names the cache,
 * then that child's result.
 */
public final class AotParentMain {
    private AotParentMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("dev.multiproc.cacheDir"));
        System.out.println(JvmProcess.start(() -> "cold").result());
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!hasCache(dir)) {
            if (System.nanoTime() > deadline) {
                System.out.println("no cache was recorded");
                return;
            }
            Thread.sleep(50);
        }
        JvmProcess<String> p = JvmProcess.start(() -> {
            Thread.sleep(300);
            return "warm";
        });
        String commandLine = commandLine(p.pid());
        System.out.println(commandLine.contains("-XX:AOTCache=" + dir) ? "aot-used" : "aot-not-used: " + commandLine);
        System.out.println(p.result());
    }

    /**
     * The child's command line, once {@code /proc} shows it: the spawn returns when the kernel
     * has replaced the child's memory, and the arguments appear in {@code /proc/PID/cmdline}
     * a little later, when the new program's stack is set up; on a busy machine, not at once.
     */
    private static String commandLine(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        String line = "";
        while (!line.contains(JvmProcess.class.getPackageName()) && System.nanoTime() < deadline) {
            line = ProcessEntry.of(pid).map(ProcessEntry::commandLine).orElse("");
            Thread.sleep(10);
        }
        return line;
    }

    private static boolean hasCache(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".aot"));
        }
    }
}
