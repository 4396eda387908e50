package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's exit codes: 0 after a return, 1 after an exception, N after exit(N), -N for signal N (SIGTERM too). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessExitStatusTest {

    @Test
    void return_exits_0() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> "ok");
        assertEquals(0, p.join().returncode());
    }

    @Test
    void exception_exits_1() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            throw new IllegalStateException("no");
        });
        assertEquals(ExitStatus.exited(1), p.join());
    }

    @Test
    void system_exit_in_the_task_exits_with_its_code_and_gives_no_result() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            System.exit(7);
            return "never";
        });
        assertEquals(7, p.join().returncode());
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(ExitStatus.exited(7), e.exitStatus().orElseThrow());
        assertTrue(e.remoteClassName().isEmpty());
        assertTrue(e.getMessage().contains("ended without a result (exit 7)"), e.getMessage());
    }

    @Test
    void system_exit_0_in_the_task_is_no_result_either() throws Exception {
        JvmProcess<String> p = JvmProcess.start(() -> {
            System.exit(0);
            return "never";
        });
        assertThrows(ChildFailedException.class, p::result);
        assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
    }

    @Test
    void kill_gives_minus_9_and_result_after_kill_fails_clearly() throws Exception {
        JvmProcess<String> p = sleeper();
        assertTrue(p.kill());
        assertEquals(-9, p.join().returncode());
        ChildFailedException e = assertThrows(ChildFailedException.class, p::result);
        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), e.exitStatus().orElseThrow());
        assertTrue(e.getMessage().contains("killed by SIGKILL"), e.getMessage());
        assertFalse(p.kill(), "a reaped child gets no signal");
    }

    @Test
    void a_signal_the_jvm_does_not_handle_gives_minus_n() throws Exception {
        JvmProcess<String> p = sleeper();
        p.signal(Signal.SIGUSR1);
        assertEquals(-Signal.SIGUSR1.number(), p.join().returncode());
    }

    @Test
    void terminate_runs_the_childs_shutdown_then_the_signal_ends_it() throws Exception {
        JvmProcess<String> p = sleeper();
        assertTrue(p.terminate());
        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.join());
        assertEquals(-15, p.join().returncode());
    }

    @Test
    void join_with_timeout_exit_status_is_alive_and_on_exit() throws Exception {
        JvmProcess<String> p = sleeper();
        assertTrue(p.isAlive());
        assertTrue(p.exitStatus().isEmpty());
        assertFalse(p.join(Duration.ofMillis(50)));
        var onExit = p.onExit();
        p.kill();
        assertEquals(ExitStatus.signaled(Signal.SIGKILL, false), onExit.get(30, TimeUnit.SECONDS));
        assertTrue(p.join(Duration.ofSeconds(30)));
        assertFalse(p.isAlive());
        assertTrue(p.exitStatus().isPresent());
    }

    /** A child that has started its task and sleeps in it. */
    private static JvmProcess<String> sleeper() throws Exception {
        JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.PIPE).start(() -> {
            System.out.println("running");
            System.out.flush();
            Thread.sleep(60_000);
            return "slept";
        });
        byte[] line = new byte[8];
        p.stdout().readNBytes(line, 0, 8);
        assertEquals("running\n", new String(line, java.nio.charset.StandardCharsets.UTF_8));
        return p;
    }
}
