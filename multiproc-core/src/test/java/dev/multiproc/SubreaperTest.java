package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.lifecycle.SubreaperMain;
import dev.multiproc.testing.Procs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A subreaper JVM must leave no orphan as a zombie, and must not take the status of a child it or the JDK tracks. */
class SubreaperTest {

    @Test
    void orphansAreReaped_andTrackedChildrenKeepTheirStatuses() throws Exception {
        CompletedProcess r = Procs.java(List.of(), SubreaperMain.class, "20").timeout(Duration.ofSeconds(60)).run().check();
        Map<String, String> said = r.stdoutText().lines().map(l -> l.split("=", 2))
                .collect(Collectors.toMap(a -> a[0], a -> a[1]));
        assertTrue(said.get("zombies").startsWith("0 "), "zombies left: " + said.get("zombies"));
        assertEquals("7 ".repeat(20).strip(), said.get("jdk"), "a ProcessBuilder child lost its status");
        assertEquals("5 ".repeat(20).strip(), said.get("multiproc"), "a multiproc child lost its status");
        assertEquals("true", said.get("subreaper"));
    }

    @Test
    void kernelRefusing_isAClearError() throws Exception {
        CompletedProcess r = Procs.java(List.of("-Ddev.multiproc.test.refuseSubreaper=true"), SubreaperMain.class, "1")
                .timeout(Duration.ofSeconds(60)).run();
        assertEquals(1, r.exitStatus().returncode());
        assertTrue(r.stderrText().contains("UnsupportedOperationException: the kernel refused to make this JVM a child"
                + " subreaper"), r.stderrText());
        assertTrue(r.stderrText().contains("PR_SET_CHILD_SUBREAPER"), r.stderrText());
    }
}
