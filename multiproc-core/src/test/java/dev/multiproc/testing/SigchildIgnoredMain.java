package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Starts the engine, then sets SIGCHLD to ignored (as a library may), then waits for
 * children in each way there is, printing what it saw: {@code waitFor}, a {@code poll} loop on
 * {@code isAlive}, a timed wait, {@code run()}, 300 short children waited for in turn in three
 * ways (the statuses seen, counted), and how many fds were left open.
 */
public final class SigchildIgnoredMain {
    private static final int SIGCHLD = 17;

    private SigchildIgnoredMain() {}

    @SuppressWarnings("restricted")
    public static void main(String[] args) throws Throwable {
        quiet("true").start().waitFor(); // the engine runs
        Linker linker = Linker.nativeLinker();
        MethodHandle signal = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MemorySegment ignore = MemorySegment.ofAddress(1); // SIG_IGN
        MemorySegment previous = (MemorySegment) signal.invokeExact(SIGCHLD, ignore);
        System.out.println("ignored, was " + previous.address());
        long fds = openFds();

        // Each child lives a moment: one that ends before its pidfd is opened has no status to ask for.
        System.out.println("waitFor " + quiet("sh", "-c", "sleep 0.5; exit 3").start().waitFor());

        Subprocess polled = quiet("sh", "-c", "sleep 0.5; exit 5").start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (polled.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("poll " + polled.exitStatus().map(Object::toString).orElse("still alive"));

        Subprocess killed = quiet("sh", "-c", "sleep 0.5; kill -9 $$").start();
        System.out.println("timed " + killed.waitFor(Duration.ofSeconds(30)).map(Object::toString).orElse("timed out"));

        System.out.println("run " + Command.of("echo", "albatross").survivesParent().run().stdoutText().strip());

        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            Subprocess p = quiet("sh", "-c", "exit 3").start();
            String status = i % 3 == 0 ? p.waitFor().toString()
                    : i % 3 == 1 ? p.waitFor(Duration.ofSeconds(30)).map(Object::toString).orElse("timed out")
                    : p.onExit().get().toString();
            seen.merge(status, 1, Integer::sum);
        }
        System.out.println("loop " + seen);
        System.out.println("fds " + (openFds() - fds));
    }

    private static Command quiet(String... argv) {
        return Command.of(argv).survivesParent()
                .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
    }

    private static long openFds() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
