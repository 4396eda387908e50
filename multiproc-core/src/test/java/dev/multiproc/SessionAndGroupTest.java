package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A child must never end up in another session or process group than the one asked for. */
class SessionAndGroupTest {
    private static final Command SLEEP = Command.of("sleep", "60")
            .stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);

    @Test
    void default_sharesThisJvmsGroupAndSession() throws Exception {
        ProcessEntry me = ProcessEntry.of(Procs.self()).orElseThrow();
        ProcessEntry child = entryOf(SLEEP);

        assertEquals(me.pgid(), child.pgid());
        assertEquals(me.sid(), child.sid());
    }

    @Test
    void newProcessGroup_leadsItsOwnGroupInThisSession() throws Exception {
        ProcessEntry me = ProcessEntry.of(Procs.self()).orElseThrow();
        ProcessEntry child = entryOf(SLEEP.newProcessGroup());

        assertEquals(child.pid(), child.pgid());
        assertEquals(me.sid(), child.sid());
    }

    @Test
    void newSession_leadsItsOwnSessionAndGroup() throws Exception {
        ProcessEntry child = entryOf(SLEEP.newSession());

        assertEquals(child.pid(), child.sid());
        assertEquals(child.pid(), child.pgid());
    }

    @Test
    void newSessionAndNewProcessGroup_togetherLeadBoth() throws Exception {
        ProcessEntry child = entryOf(SLEEP.newSession().newProcessGroup());

        assertEquals(child.pid(), child.sid());
        assertEquals(child.pid(), child.pgid());
    }

    @Test
    void signalGroup_reachesEveryMember() throws Exception {
        Subprocess p = Command.of("sh", "-c", "sleep 60 & echo $!; sleep 60 & echo $!; wait")
                .stdin(Redirect.DISCARD).stderr(Redirect.DISCARD).newProcessGroup().start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
        List<Long> members = List.of(Long.parseLong(out.readLine()), Long.parseLong(out.readLine()));

        assertTrue(p.signalGroup(Signal.SIGTERM));

        assertEquals(ExitStatus.signaled(Signal.SIGTERM, false), p.waitFor());
        members.forEach(Procs::awaitGone);
    }

    @Test
    void signalGroup_sparesThisJvmsOwnGroup() throws Exception {
        Subprocess leader = SLEEP.newProcessGroup().start();
        Subprocess bystander = SLEEP.start();
        try {
            assertTrue(leader.signalGroup(Signal.SIGKILL));
            leader.waitFor();

            assertFalse(bystander.waitFor(Duration.ofMillis(300)).isPresent(), "a child outside the group was hit");
        } finally {
            bystander.kill();
            bystander.waitFor();
        }
    }

    private static ProcessEntry entryOf(Command command) throws Exception {
        Subprocess p = command.start();
        try {
            return ProcessEntry.of(p.pid()).orElseThrow();
        } finally {
            p.kill();
            p.waitFor();
        }
    }
}
