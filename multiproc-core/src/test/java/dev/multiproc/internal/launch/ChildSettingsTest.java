package dev.multiproc.internal.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.Redirect;
import dev.multiproc.internal.engine.SpawnPlan.Grouping;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The settings value follows the rule for calling a setter twice (docs/decisions.md): one value
 * takes the last given, named parts accumulate by name, a whole environment replaces the
 * changes before it. Pure logic: no child is started.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChildSettingsTest {

    @Test
    void aSettingOfOneValue_takesTheLastValueGiven() {
        ChildSettings s = ChildSettings.COMMAND
                .withDirectory(Path.of("/a")).withDirectory(Path.of("/b"))
                .withStdout(Redirect.DISCARD).withStdout(Redirect.INHERIT)
                .withDaemon(false).withDaemon(true)
                .withSurvivesParent(true).withSurvivesParent(false);
        assertEquals(Path.of("/b"), s.directory());
        assertEquals(Redirect.INHERIT, s.stdout());
        assertTrue(s.daemon());
        assertFalse(s.survivesParent());
    }

    @Test
    void variables_accumulateByName_theLastCallForANameWinning() {
        ChildSettings s = ChildSettings.COMMAND.withEnv("A", "1").withEnv("B", "2").withEnv("A", "3")
                .withEnvRemoved("B");
        assertEquals(List.of("A=3"), entriesNamed(s, "A", "B"));
        ChildSettings back = s.withEnvBytes("B".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xe9});
        assertArrayEquals(new byte[] {'B', '=', (byte) 0xe9}, back.environmentEntries().stream()
                .filter(e -> e[0] == 'B' && e[1] == '=').findFirst().orElseThrow());
    }

    @Test
    void aWholeEnvironment_dropsTheChangesBeforeIt_butNotThoseAfter() {
        ChildSettings s = ChildSettings.JVM.withEnv("BEFORE", "x")
                .withEnvironment(Map.of("ONLY", "1"))
                .withEnv("AFTER", "2");
        List<String> entries = s.environmentEntries().stream().map(e -> new String(e, StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("ONLY=1", "AFTER=2"), entries);
    }

    @Test
    void noChange_isThisJvmsEnvironmentUnchanged() {
        assertNull(ChildSettings.COMMAND.environmentEntries(), "the spawner passes environ as it is");
    }

    @Test
    void passedFds_accumulateAsASet() {
        ChildSettings s = ChildSettings.COMMAND.withPassedFd(7).withPassedFd(4).withPassedFd(7);
        assertEquals(List.of(4, 7), s.passedFds());
    }

    @Test
    void eachKindHasItsDefaults_andAnUnsetRedirectIsKnownAsSuch() {
        assertEquals(List.of(Redirect.PIPE, Redirect.PIPE, Redirect.PIPE), redirects(ChildSettings.COMMAND));
        assertTrue(ChildSettings.COMMAND.daemon());
        assertEquals(List.of(Redirect.DISCARD, Redirect.INHERIT, Redirect.INHERIT), redirects(ChildSettings.JVM));
        assertFalse(ChildSettings.JVM.daemon());
        assertTrue(ChildSettings.WORKERS.daemon());
        ChildSettings s = ChildSettings.COMMAND.withStderr(Redirect.PIPE);
        assertFalse(s.isSet(0));
        assertTrue(s.isSet(2));
        assertEquals(ChildSettings.COMMAND, s, "a redirect set to its default starts the same child");
    }

    @Test
    void detached_fillsTheRedirectsLeftUnset_survivesAndIsNoDaemon() {
        ChildSettings s = ChildSettings.COMMAND.withStdout(Redirect.DISCARD).withPassedFd(5).detached();
        assertEquals(List.of(Redirect.DISCARD, Redirect.DISCARD, Redirect.INHERIT), redirects(s));
        assertTrue(s.survivesParent());
        assertFalse(s.daemon());
        assertEquals(List.of(), s.passedFds());
    }

    @Test
    void equalSettings_areEqualValues_whateverOrderTheyWereGivenIn() {
        ChildSettings a = ChildSettings.JVM.withEnv("A", "1").withDirectory(Path.of("/x"));
        ChildSettings b = ChildSettings.JVM.withDirectory(Path.of("/x")).withEnv("A", "1");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, b.withEnv("A", "2"));
        assertNotEquals(a, a.withEnvRemoved("A"));
    }

    @Test
    void touchesVariable_seesChangesRemovalsAndAWholeEnvironment() {
        assertTrue(ChildSettings.JVM.withEnv("JAVA_TOOL_OPTIONS", "-Xmx1g").touchesVariable("JAVA_TOOL_OPTIONS"));
        assertTrue(ChildSettings.JVM.withEnvRemoved("JAVA_TOOL_OPTIONS").touchesVariable("JAVA_TOOL_OPTIONS"));
        assertTrue(ChildSettings.JVM.withEnvironment(Map.of("JAVA_TOOL_OPTIONS", "x"))
                .touchesVariable("JAVA_TOOL_OPTIONS"));
        assertFalse(ChildSettings.JVM.withEnv("OTHER", "x").touchesVariable("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void aValueIsNeverChangedByAWith() {
        ChildSettings s = ChildSettings.COMMAND.withEnv("A", "1");
        s.withEnv("A", "2").withStdin(Redirect.DISCARD).withPassedFd(9);
        assertEquals(List.of("A=1"), entriesNamed(s, "A"));
        assertEquals(Redirect.PIPE, s.stdin());
        assertEquals(List.of(), s.passedFds());
    }

    @Test
    void aBadSetting_isRefusedByTheChecks() {
        assertThrows(IllegalArgumentException.class, () -> ChildSettings.COMMAND.withEnv("A=B", "x"));
        assertThrows(IllegalArgumentException.class, () -> ChildSettings.COMMAND.withStdin(Redirect.TO_STDOUT));
        assertThrows(IllegalArgumentException.class, () -> ChildSettings.COMMAND.withPassedFd(2));
        assertThrows(NullPointerException.class, () -> ChildSettings.COMMAND.withDirectory(null));
    }

    @Test
    void grouping_aNewSessionIsANewGroupToo() {
        assertSame(Grouping.NEW_SESSION, Grouping.NEW_SESSION.and(Grouping.NEW_GROUP));
        assertSame(Grouping.NEW_SESSION, Grouping.NEW_GROUP.and(Grouping.NEW_SESSION));
        assertSame(Grouping.NEW_GROUP, Grouping.NONE.and(Grouping.NEW_GROUP));
    }

    private static List<String> entriesNamed(ChildSettings s, String... names) {
        return s.environmentEntries().stream().map(e -> new String(e, StandardCharsets.UTF_8))
                .filter(e -> List.of(names).contains(e.substring(0, e.indexOf('=')))).toList();
    }

    private static List<Redirect> redirects(ChildSettings s) {
        return List.of(s.stdin(), s.stdout(), s.stderr());
    }
}
