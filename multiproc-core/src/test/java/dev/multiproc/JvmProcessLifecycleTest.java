package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A process exists before it starts, starts once, and says so when misused. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessLifecycleTest {

    @Test
    void an_unstarted_process_has_a_name_and_refuses_what_needs_a_child() {
        JvmProcess<String> p = JvmProcess.builder().name("worker").daemon(true).build(() -> "x");
        assertEquals("worker", p.name());
        assertTrue(p.isDaemon());
        assertFalse(p.isAlive());
        assertTrue(p.exitStatus().isEmpty());
        for (org.junit.jupiter.api.function.Executable call : new org.junit.jupiter.api.function.Executable[] {
                p::pid, p::join, p::result, p::kill, p::onExit, () -> p.signal(Signal.SIGTERM)}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals("worker has not been started: call start() first", e.getMessage());
        }
        assertEquals("JvmProcess[worker, not started, daemon]", p.toString());
    }

    @Test
    void default_names_count_up() {
        String a = JvmProcess.of(() -> 1).name();
        String b = JvmProcess.of(() -> 1).name();
        assertTrue(a.matches("JvmProcess-\\d+"), a);
        assertEquals(Integer.parseInt(a.substring(11)) + 1, Integer.parseInt(b.substring(11)));
    }

    @Test
    void start_runs_an_unstarted_process_once() throws Exception {
        JvmProcess<String> p = JvmProcess.of(() -> "once");
        assertSame(p, p.start());
        IllegalStateException e = assertThrows(IllegalStateException.class, p::start);
        assertTrue(e.getMessage().contains("was already started"), e.getMessage());
        assertEquals("once", p.result());
        assertTrue(p.toString().contains("exit 0"), p.toString());
    }

    @Test
    void a_failed_start_is_reported_and_then_remembered(@TempDir Path dir) {
        JvmProcess<String> p = JvmProcess.builder().name("lost").directory(dir.resolve("missing")).build(() -> "x");
        MultiprocException e = assertThrows(MultiprocException.class, p::start);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        IllegalStateException later = assertThrows(IllegalStateException.class, p::result);
        assertSame(e, later.getCause());
        assertTrue(later.getMessage().startsWith("lost failed to start"), later.getMessage());
        assertThrows(IllegalStateException.class, p::start);
        assertFalse(p.isAlive());
    }

    @Test
    void name_directory_env_options_and_system_properties_reach_the_child(@TempDir Path dir) throws Exception {
        JvmProcess<String> p = JvmProcess.builder()
                .name("configured")
                .directory(dir)
                .env("MULTIPROC_TEST_VAR", "from-env")
                .systemProperty("multiproc.test.prop", "from-prop")
                .jvmOptions("-Xmx64m")
                .start(() -> System.getProperty("user.dir") + "|" + System.getenv("MULTIPROC_TEST_VAR") + "|"
                        + System.getProperty("multiproc.test.prop") + "|" + Runtime.getRuntime().maxMemory() + "|"
                        + Thread.currentThread().getName());
        String[] parts = p.result().split("\\|");
        assertEquals(dir.toRealPath().toString(), Path.of(parts[0]).toRealPath().toString());
        assertEquals("from-env", parts[1]);
        assertEquals("from-prop", parts[2]);
        assertTrue(Long.parseLong(parts[3]) <= 64L << 20, parts[3]);
        assertEquals("configured", parts[4], "the task runs on a thread named after the process");
    }

    @Test
    void builder_refuses_bad_settings() {
        JvmProcess.Builder b = JvmProcess.builder();
        assertThrows(IllegalArgumentException.class, () -> b.jvmOptions("Xmx1g"));
        assertThrows(IllegalArgumentException.class, () -> b.jvmOptions("-jar"));
        assertThrows(IllegalArgumentException.class, () -> b.jvmOptions("-m"));
        assertThrows(IllegalArgumentException.class, () -> b.systemProperty("a=b", "c"));
        assertThrows(IllegalArgumentException.class, () -> b.env("", "c"));
        assertThrows(IllegalArgumentException.class, () -> b.stdout(Redirect.TO_STDOUT));
        assertThrows(IllegalArgumentException.class, () -> b.stderr(Redirect.from(Path.of("x"))));
        assertThrows(IllegalArgumentException.class, () -> b.signalGrace(java.time.Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.deserializationFilter("maxbytes=lots"));
        assertThrows(NullPointerException.class, () -> b.build(null));
    }

    @Test
    void stdout_that_is_not_a_pipe_cannot_be_read() throws Exception {
        JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.DISCARD).start(() -> "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, p::stdout);
        assertTrue(e.getMessage().contains("is not a pipe"), e.getMessage());
        p.join();
    }
}
