package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.jvmtesting.JvmTesting;
import dev.multiproc.jvmtesting.TerminateMain;
import dev.multiproc.pooltesting.PoolTasks;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CPython's {@code _TestProcess.test_terminate} ({@code exitcode == -signal.SIGTERM}), for child
 * JVMs: a child ended by SIGTERM, SIGINT or SIGHUP runs its shutdown hooks and then dies by that
 * signal, so that the kernel reports {@code -15}, {@code -2}, {@code -1}, not the JVM's 143, 130,
 * 129. The same holds for a pool's workers.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JvmProcessTerminateTest {

    @Test
    void test_terminate() throws Exception {
        JvmProcess<String> p = started();
        assertTrue(p.terminate());
        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.join());
        assertEquals(-15, p.exitStatus().orElseThrow().returncode());
    }

    @ParameterizedTest
    @EnumSource(value = Signal.class, names = {"SIGTERM", "SIGINT", "SIGHUP"})
    void the_childs_shutdown_hooks_run_before_it_dies_by_the_signal(Signal signal) throws Exception {
        JvmProcess<String> p = started();
        p.signal(signal);
        assertEquals(ExitStatus.signaled(signal, false), p.join());
        assertEquals(-signal.number(), p.join().returncode());
        assertEquals("hook ran", lineAfterRunning(p), "the hook ran and flushed before the signal ended the child");
    }

    @Test
    void result_after_terminate_reports_the_signal() throws Exception {
        JvmProcess<String> p = started();
        p.terminate();
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), e.exitStatus().orElseThrow());
        assertTrue(e.getMessage().contains("killed by SIGTERM"), e.getMessage());
    }

    @Test
    void a_task_that_calls_system_exit_keeps_its_code_with_the_handlers_installed() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            System.exit(15);
            return "never";
        });
        assertEquals(ExitStatus.exited(15), p.join(), "an exit the signal did not start is not turned into one");
    }

    @Test
    void a_signal_that_arrives_while_the_task_exits_leaves_the_tasks_status() throws Exception {
        // The signal's handler pauses between its hook and its exit: the task's System.exit(7),
        // a second after the signal, starts the exit first, and must keep its status (an exit
        // handler registered anyway would end the child by signal 7).
        for (int i = 0; i < 5; i++) {
            JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.PIPE)
                    .systemProperty("dev.multiproc.test.signalExitDelayMillis", "3000").start(() -> {
                        System.out.println("running");
                        System.out.flush();
                        Thread.sleep(1000);
                        System.exit(7);
                        return "never";
                    });
            assertEquals(8, p.stdout().readNBytes(8).length);
            p.terminate();
            assertEquals(ExitStatus.exited(7), p.join(), "round " + i);
        }
    }

    @Test
    void signals_and_exits_that_race_give_one_of_the_two_statuses() throws Exception {
        for (int i = 0; i < 40; i++) {
            long delayMicros = (i % 8) * 250;
            JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.PIPE).start(() -> {
                System.out.println("running");
                System.out.flush();
                Thread.sleep(0, 1);
                long until = System.nanoTime() + delayMicros * 1000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                System.exit(7);
                return "never";
            });
            assertEquals(8, p.stdout().readNBytes(8).length);
            p.terminate();
            ExitStatus status = p.join();
            assertTrue(status.equals(ExitStatus.exited(7)) || status.equals(ExitStatus.signaled(Signal.SIGTERM, false)),
                    "round " + i + ": " + status);
        }
    }

    @Test
    void a_pool_worker_ended_by_sigterm_dies_by_it(@TempDir Path dir) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
            Path pidFile = dir.resolve("worker");
            String name = pidFile.toString();
            CompletableFuture<String> victim = pool.submit(() -> {
                PoolTasks.touch(name);
                PoolTasks.sleep(60_000);
                return "survived";
            });
            long pid = PoolTasks.awaitPid(pidFile, Procs.PATIENCE);
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroy(), "SIGTERM sent");
            ExecutionException e = assertThrows(ExecutionException.class, () -> victim.get(60, TimeUnit.SECONDS));
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), died.exitStatus().orElseThrow());
        }
    }

    @Test
    void a_child_of_an_executable_jar_links_what_it_needs_without_a_warning(@TempDir Path dir) throws Exception {
        // Native access granted by the jar's manifest only, not on the command line: the child gets it too.
        Path jar = dir.resolve("app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, TerminateMain.class.getName());
        manifest.getMainAttributes().putValue("Enable-Native-Access", "ALL-UNNAMED");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Class<?> c : List.of(JvmProcess.class, TerminateMain.class)) {
                Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString()));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
        CompletedProcess r = Command.of(JvmTesting.java(), "-jar", jar.toString()).stdin(Redirect.DISCARD)
                .timeout(Duration.ofSeconds(60)).run();
        assertEquals("killed by SIGTERM", r.stdoutText().strip(), r.stderrText());
        assertFalse(r.stderrText().contains("restricted method"), r.stderrText());
    }

    /** A child whose task added a shutdown hook that prints, then printed "running" and sleeps. */
    private static JvmProcess<String> started() throws Exception {
        JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.PIPE).start(() -> {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(200); // the signal must wait for a hook that takes time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.out.println("hook ran");
                System.out.flush();
            }));
            System.out.println("running");
            System.out.flush();
            Thread.sleep(60_000);
            return "slept";
        });
        byte[] line = new byte[8];
        assertEquals(8, p.stdout().readNBytes(line, 0, 8));
        assertEquals("running\n", new String(line, StandardCharsets.UTF_8));
        return p;
    }

    private static String lineAfterRunning(JvmProcess<String> p) throws Exception {
        return new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8)).readLine();
    }
}
