package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.PidReuse;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Nothing done through a reaped child's handle may ever reach a process that got its pid afterwards. */
class PidReuseTest {
    /** Long enough for a wrongly sent signal to have taken effect. */
    private static final Duration SETTLE = Duration.ofMillis(500);

    private static final Command SLEEPER = Command.of("sleep", "60")
            .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
    private static final Command PARENT_OF_SLEEPER = Command.of("sh", "-c", "sleep 60 & echo $!; wait")
            .stdin(Redirect.DISCARD).stderr(Redirect.DISCARD);

    @Test
    void signal_afterReapSendsNothingToNewOwnerOfPid() throws Exception {
        Subprocess old = reaped(SLEEPER);
        Subprocess reuser = PidReuse.startWithPid(old.pid(), SLEEPER);
        try {
            assertFalse(old.kill());
            assertFalse(old.terminate());
            assertFalse(old.signal(Signal.SIGSTOP));

            assertEquals(Optional.empty(), reuser.waitFor(SETTLE), "the process that reused the pid was hit");
            assertNotEquals('T', ProcessEntry.of(reuser.pid()).orElseThrow().state(), "stopped by SIGSTOP");
        } finally {
            reuser.kill();
            reuser.waitFor();
        }
    }

    @Test
    void signalGroup_afterReapSendsNothingToNewGroupWithSameId() throws Exception {
        Subprocess old = reaped(SLEEPER.newProcessGroup());
        Subprocess reuser = PidReuse.startWithPid(old.pid(), SLEEPER.newProcessGroup());
        try {
            assertEquals(old.pid(), ProcessEntry.of(reuser.pid()).orElseThrow().pgid(), "same group id");

            assertFalse(old.signalGroup(Signal.SIGKILL));

            assertEquals(Optional.empty(), reuser.waitFor(SETTLE), "the group that reused the id was hit");
        } finally {
            reuser.kill();
            reuser.waitFor();
        }
    }

    @Test
    void killTree_afterReapSparesChildrenOfNewOwnerOfPid() throws Exception {
        Subprocess old = reaped(SLEEPER);
        ExitStatus oldStatus = old.waitFor();
        Subprocess reuser = PidReuse.startWithPid(old.pid(), PARENT_OF_SLEEPER);
        try {
            long grandchild = firstLine(reuser);

            assertEquals(oldStatus, old.killTree(Duration.ofSeconds(5)));

            assertEquals(Optional.empty(), reuser.waitFor(SETTLE), "the process that reused the pid was hit");
            assertTrue(ProcessEntry.isRunning(grandchild), "its child " + grandchild + " was killed");
        } finally {
            reuser.killTree(Duration.ZERO);
        }
    }

    @Test
    void killTree_afterReapOfGroupLeaderSparesNewGroupWithSameId() throws Exception {
        Subprocess old = reaped(SLEEPER.newProcessGroup());
        ExitStatus oldStatus = old.waitFor();
        Subprocess reuser = PidReuse.startWithPid(old.pid(), PARENT_OF_SLEEPER.newProcessGroup());
        try {
            long member = firstLine(reuser);
            assertEquals(old.pid(), ProcessEntry.of(member).orElseThrow().pgid(), "same group id");

            assertEquals(oldStatus, old.killTree(Duration.ofSeconds(5)));

            assertEquals(Optional.empty(), reuser.waitFor(SETTLE), "the process that reused the pid was hit");
            assertTrue(ProcessEntry.isRunning(member), "a member " + member + " of the new group was killed");
        } finally {
            reuser.killTree(Duration.ZERO);
        }
    }

    /** Starts {@code command}, kills it and waits until it is reaped. */
    private static Subprocess reaped(Command command) throws Exception {
        Subprocess p = command.start();
        p.kill();
        p.close();
        Procs.await("pid " + p.pid() + " is free", () -> ProcessEntry.of(p.pid()).isEmpty());
        return p;
    }

    private static long firstLine(Subprocess p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
        return Long.parseLong(out.readLine());
    }
}
