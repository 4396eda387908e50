package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.lifecycle.SignalMain;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A signal handler must run instead of the JVM's default, forwarding must reach exactly the chosen children, and reserved signals must be refused. */
class SignalHandlersTest {
    @TempDir
    Path dir;

    private record Jvm(Subprocess process, BufferedReader out, List<Long> pids) {}

    private static Jvm start(Command java) throws Exception {
        Subprocess p = java.stderr(Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout()));
        List<Long> pids = new ArrayList<>();
        for (String line = out.readLine(); !"ready".equals(line); line = out.readLine()) {
            assertTrue(line != null && line.startsWith("pid="), "unexpected line " + line);
            pids.add(Long.parseLong(line.substring(4)));
        }
        return new Jvm(p, out, pids);
    }

    @ParameterizedTest
    @EnumSource(value = Signal.class, names = {"SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1"})
    void handle_runsTheHandlerInsteadOfTheDefault(Signal signal) throws Exception {
        Jvm jvm = start(Procs.java(List.of(), SignalMain.class, "handle", signal.name()));
        jvm.process().signal(signal);
        assertEquals("got " + signal.displayName(), jvm.out().readLine());
        assertTrue(jvm.process().waitFor(Duration.ofMillis(300)).isEmpty(), "the JVM went on after the handler");
        jvm.process().kill();
    }

    @Test
    void handle_usr2WhenTheJvmHasFreedIt() throws Exception {
        Jvm jvm = start(Procs.java(List.of(), SignalMain.class, "handle", "USR2").env("_JAVA_SR_SIGNUM", "40"));
        jvm.process().signal(Signal.SIGUSR2);
        assertEquals("got SIGUSR2", jvm.out().readLine());
        jvm.process().kill();
    }

    @Test
    void handle_usr2WhileTheJvmUsesIt_isRefusedWithTheWayOut() throws Exception {
        CompletedProcess r = Procs.java(List.of(), SignalMain.class, "handle", "USR2").envRemove("_JAVA_SR_SIGNUM")
                .timeout(Duration.ofSeconds(30)).run();
        assertEquals(1, r.exitStatus().returncode());
        assertTrue(r.stderrText().contains("UnsupportedOperationException"), r.stderrText());
        assertTrue(r.stderrText().contains("_JAVA_SR_SIGNUM"), r.stderrText());
    }

    @Test
    void closingTheRegistration_putsTheDefaultBack() throws Exception {
        Jvm jvm = start(Procs.java(List.of(), SignalMain.class, "restore", "TERM"));
        jvm.process().terminate();
        assertEquals(143, jvm.process().waitFor().returncode(), "SIGTERM stops the JVM again");
    }

    @Test
    void forwardToChildren_reachesTheChildrenThenTheJvmExitsAsBefore() throws Exception {
        Path file = dir.resolve("got");
        Jvm jvm = start(Procs.java(List.of(), SignalMain.class, "forward-all", "TERM", file.toString()));
        jvm.process().terminate();
        assertEquals(143, jvm.process().waitFor().returncode());
        assertTrue(Procs.poll(Duration.ofSeconds(10), () -> written(file)));
        assertEquals("TERM", read(file));
    }

    @Test
    void forward_reachesOnlyTheChosenChildren() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Jvm jvm = start(Procs.java(List.of(), SignalMain.class, "forward-one", "USR1", first.toString(),
                second.toString()));
        jvm.process().signal(Signal.SIGUSR1);
        assertTrue(Procs.poll(Duration.ofSeconds(10), () -> written(first)));
        assertEquals("USR1", read(first));
        Thread.sleep(300);
        assertFalse(Files.exists(second), "the signal reached a child it was not forwarded to");
        assertTrue(ProcessEntry.isRunning(jvm.pids().get(1)));
        jvm.process().killTree(Duration.ZERO);
    }

    @Test
    void forward_pastATargetTheKernelRefuses_reachesTheOthersThenTheJvmExitsAsBefore() throws Exception {
        Path file = dir.resolve("got");
        Subprocess jvm = Procs.java(List.of(), ForwardPastAFailureMain.class, file.toString())
                .stderr(Redirect.PIPE).start();
        try {
            try (Stream<String> lines = jvm.stdoutLines()) {
                assertEquals("ready", lines.findFirst().orElseThrow());
            }
            jvm.terminate();
            assertTrue(jvm.join(Procs.PATIENCE), "SIGTERM no longer stopped the JVM");
            assertEquals(143, jvm.exitStatus().orElseThrow().returncode());
            assertTrue(Procs.poll(Duration.ofSeconds(10), () -> written(file)), "the second target was not reached");
            String stderr = new String(jvm.stderr().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(stderr.contains("cannot forward SIGTERM") && stderr.contains("EBADF"), stderr);
        } finally {
            jvm.killTree(Duration.ZERO);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Signal.class, names = {"SIGKILL", "SIGSTOP", "SIGSEGV", "SIGQUIT", "SIGBUS", "SIGFPE", "SIGCHLD"})
    void reservedSignals_areRefusedNamingThem(Signal signal) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Signals.handle(signal, s -> { }));
        assertTrue(e.getMessage().contains(signal.displayName()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signals.forwardToChildren(signal));
    }

    /** True once the child's shell has created {@code file} and written its line (two steps). */
    private static boolean written(Path file) {
        return Files.exists(file) && !read(file).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
