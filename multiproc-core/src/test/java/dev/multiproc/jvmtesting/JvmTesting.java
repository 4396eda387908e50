package dev.multiproc.jvmtesting;

import dev.multiproc.Command;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers for tests that start JVMs of their own. */
public final class JvmTesting {
    private JvmTesting() {}

    /** The {@code java} of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command running {@code mainClass} in a new JVM with this JVM's class path. */
    public static Command javaCommand(Class<?> mainClass, String... args) {
        List<String> argv = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        argv.addAll(List.of(args));
        return Command.of(argv).stdin(Redirect.DISCARD);
    }

    /** Reads lines from the process's stdout until one starts with {@code prefix}; collects {@code child} pids. */
    public static final class Lines implements AutoCloseable {
        private final BufferedReader reader;

        public Lines(Subprocess p) {
            reader = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
        }

        /** The pids printed as {@code child PID} before {@code main done}. */
        public List<Long> childPids() throws IOException {
            List<Long> pids = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("child ")) {
                    pids.add(Long.parseLong(line.substring(6).strip()));
                } else if (line.equals("main done")) {
                    return pids;
                }
            }
            throw new IOException("the parent ended before printing \"main done\"; pids so far: " + pids);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** True if {@code pid} still runs (a zombie does not). */
    public static boolean running(long pid) {
        return ProcessEntry.isRunning(pid);
    }

    /** Waits up to {@code millis} for every pid to stop running; true if they all did. */
    public static boolean awaitGone(List<Long> pids, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (pids.stream().noneMatch(JvmTesting::running)) {
                return true;
            }
            Thread.sleep(20);
        }
        return pids.stream().noneMatch(JvmTesting::running);
    }

    /** Kills whatever of {@code pids} still runs; for test clean-up. */
    public static void killAll(List<Long> pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
