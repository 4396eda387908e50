package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** activeChildren() must list exactly the live children this JVM started, with their kind, name, daemon flag and start time. */
class ActiveChildrenTest {
    private static Optional<ChildInfo> find(long pid) {
        return Multiproc.activeChildren().stream().filter(c -> c.pid() == pid).findFirst();
    }

    @Test
    void commandsAndChildJvms_areListedWhileTheyLive() throws Exception {
        Instant before = Instant.now();
        Subprocess command = Command.of("sleep", "30").daemon(false).stdout(Redirect.DISCARD).start();
        JvmProcess<Void> jvm = JvmProcess.builder().name("lister").daemon(true).stdout(Redirect.DISCARD).start(() -> {
            Thread.sleep(30_000);
            return null;
        });
        try {
            ChildInfo c = find(command.pid()).orElseThrow();
            assertEquals(ChildInfo.Kind.COMMAND, c.kind());
            assertEquals("sleep", c.name());
            assertFalse(c.daemon());
            assertEquals(List.of("sleep", "30"), c.command());
            assertFalse(c.startedAt().isBefore(before));
            ChildInfo j = find(jvm.pid()).orElseThrow();
            assertEquals(ChildInfo.Kind.JVM, j.kind());
            assertEquals("lister", j.name());
            assertTrue(j.daemon());
            assertTrue(Multiproc.activeChildren().stream().noneMatch(i -> i.command().toString().contains("Guardian")),
                    "the guardian is the library's, not a child the caller started");
        } finally {
            command.kill();
            jvm.kill();
            command.waitFor();
            jvm.join();
        }
        assertTrue(find(command.pid()).isEmpty());
        assertTrue(find(jvm.pid()).isEmpty());
        assertTrue(command.waitFor(Duration.ZERO).isPresent());
    }
}
