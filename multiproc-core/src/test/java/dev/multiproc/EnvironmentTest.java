package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.multiproc.testing.Procs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A child must never get an environment other than the one asked for. */
class EnvironmentTest {

    @Test
    void environment_inheritedUnchangedByDefault() throws Exception {
        assertEquals(System.getenv(), environmentOf(Command.of("env", "-0")));
    }

    @Test
    void env_setsOneVariableOnTopOfInherited() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>(System.getenv());
        expected.put("MULTIPROC_TEST", "a value with spaces, = signs and ünïcödé ✓");

        Map<String, String> seen = environmentOf(Command.of("env", "-0")
                .env("MULTIPROC_TEST", "a value with spaces, = signs and ünïcödé ✓"));

        assertEquals(expected, seen);
    }

    @Test
    void env_overridesInheritedVariable() throws Exception {
        Map<String, String> seen = environmentOf(Command.of("env", "-0").env("HOME", "/elsewhere"));

        assertEquals("/elsewhere", seen.get("HOME"));
    }

    @Test
    void env_emptyValueIsKept() throws Exception {
        Map<String, String> seen = environmentOf(Command.of("env", "-0").env("MULTIPROC_EMPTY", ""));

        assertEquals("", seen.get("MULTIPROC_EMPTY"));
    }

    @Test
    void envRemove_removesInheritedVariable() throws Exception {
        String name = System.getenv().keySet().iterator().next();

        Map<String, String> seen = environmentOf(Command.of("env", "-0").envRemove(name));

        assertFalse(seen.containsKey(name), name + " still set: " + seen);
        Map<String, String> expected = new LinkedHashMap<>(System.getenv());
        expected.remove(name);
        assertEquals(expected, seen);
    }

    @Test
    void environment_replacesWholeEnvironment() throws Exception {
        Map<String, String> whole = Map.of("ONLY", "this", "AND", "that");

        assertEquals(whole, environmentOf(Command.of("env", "-0").environment(whole)));
    }

    @Test
    void environment_emptyGivesEmptyEnvironmentButProgramStillFoundOnPath() throws Exception {
        assertEquals(Map.of(), environmentOf(Command.of("env", "-0").environment(Map.of())));
    }

    @Test
    void environment_dropsEarlierEnvCalls() throws Exception {
        Command command = Command.of("env", "-0").env("EARLIER", "x").envRemove("HOME")
                .environment(Map.of("ONLY", "this"));

        assertEquals(Map.of("ONLY", "this"), environmentOf(command));
    }

    @Test
    void env_afterEnvironmentAddsAndRemoves() throws Exception {
        Command command = Command.of("env", "-0").environment(Map.of("A", "1", "B", "2"))
                .env("C", "3").envRemove("A");

        assertEquals(Map.of("B", "2", "C", "3"), environmentOf(command));
    }

    @Test
    void env_leavesOriginalCommandUnchanged() throws Exception {
        Command base = Command.of("env", "-0");
        base.env("MULTIPROC_SHOULD_NOT_LEAK", "x");

        assertFalse(environmentOf(base).containsKey("MULTIPROC_SHOULD_NOT_LEAK"));
    }

    private static Map<String, String> environmentOf(Command command) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : ArgvTest.nulSeparated(Procs.output(command))) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }
}
