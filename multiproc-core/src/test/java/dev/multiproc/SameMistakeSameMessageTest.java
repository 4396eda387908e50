package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * One mistake gets one message, whichever builder it was made on: {@code Command},
 * {@code JvmProcess.Builder} and {@code ProcessPool.Builder} share their setters' checks. No
 * child is started: every check runs when the setting is given.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SameMistakeSameMessageTest {
    private static final Path FILE = Path.of("some-file");

    @Test
    void aVariableNameWithAnEqualsSign() {
        sameMessage(IllegalArgumentException.class, "A=B",
                () -> Command.of("env").env("A=B", "x"),
                () -> JvmProcess.builder().env("A=B", "x"),
                () -> ProcessPool.builder().env("A=B", "x"));
        sameMessage(IllegalArgumentException.class, "A=B",
                () -> Command.of("env").envRemove("A=B"),
                () -> JvmProcess.builder().envRemove("A=B"),
                () -> ProcessPool.builder().envRemove("A=B"));
        sameMessage(IllegalArgumentException.class, "A=B",
                () -> Command.of("env").environment(Map.of("A=B", "x")),
                () -> JvmProcess.builder().environment(Map.of("A=B", "x")),
                () -> ProcessPool.builder().environment(Map.of("A=B", "x")));
    }

    @Test
    void anEmptyVariableName() {
        sameMessage(IllegalArgumentException.class, "empty",
                () -> Command.of("env").env("", "x"),
                () -> JvmProcess.builder().env("", "x"),
                () -> ProcessPool.builder().env("", "x"));
    }

    @Test
    void aNulInAVariable() {
        sameMessage(IllegalArgumentException.class, "BAD\\0NAME",
                () -> Command.of("env").env("BAD\0NAME", "x"),
                () -> JvmProcess.builder().env("BAD\0NAME", "x"),
                () -> ProcessPool.builder().env("BAD\0NAME", "x"));
        sameMessage(IllegalArgumentException.class, "bad\\0value",
                () -> Command.of("env").env("NAME", "bad\0value"),
                () -> JvmProcess.builder().env("NAME", "bad\0value"),
                () -> ProcessPool.builder().env("NAME", "bad\0value"));
        sameMessage(IllegalArgumentException.class, "index 1",
                () -> Command.of("env").envBytes(new byte[] {'N'}, new byte[] {'x', 0}),
                () -> JvmProcess.builder().envBytes(new byte[] {'N'}, new byte[] {'x', 0}),
                () -> ProcessPool.builder().envBytes(new byte[] {'N'}, new byte[] {'x', 0}));
    }

    @Test
    void aLoneSurrogateInAVariable() {
        sameMessage(IllegalArgumentException.class, "surrogate",
                () -> Command.of("env").env("NAME", "\ud800"),
                () -> JvmProcess.builder().env("NAME", "\ud800"),
                () -> ProcessPool.builder().env("NAME", "\ud800"));
    }

    @Test
    void aRedirectTheWrongWay() {
        sameMessage(IllegalArgumentException.class, "stdin cannot be",
                () -> Command.of("cat").stdin(Redirect.to(FILE)),
                () -> JvmProcess.builder().stdin(Redirect.to(FILE)),
                () -> ProcessPool.builder().stdin(Redirect.to(FILE)));
        sameMessage(IllegalArgumentException.class, "stdout cannot be",
                () -> Command.of("cat").stdout(Redirect.from(FILE)),
                () -> JvmProcess.builder().stdout(Redirect.from(FILE)),
                () -> ProcessPool.builder().stdout(Redirect.from(FILE)));
        sameMessage(IllegalArgumentException.class, "TO_STDOUT",
                () -> Command.of("cat").stdout(Redirect.TO_STDOUT),
                () -> JvmProcess.builder().stdout(Redirect.TO_STDOUT),
                () -> ProcessPool.builder().stdout(Redirect.TO_STDOUT));
        sameMessage(IllegalArgumentException.class, "stderr cannot be",
                () -> Command.of("cat").stderr(Redirect.from(FILE)),
                () -> JvmProcess.builder().stderr(Redirect.from(FILE)),
                () -> ProcessPool.builder().stderr(Redirect.from(FILE)));
    }

    @Test
    void aPipeNothingCouldReach_isRefusedByTheJvmBuilders() {
        sameMessage(IllegalArgumentException.class, "stdin cannot be PIPE",
                () -> JvmProcess.builder().stdin(Redirect.PIPE));
        sameMessage(IllegalArgumentException.class, "stdout cannot be PIPE",
                () -> ProcessPool.builder().stdout(Redirect.PIPE));
    }

    @Test
    void aMissingSetting() {
        sameMessage(NullPointerException.class, "directory",
                () -> Command.of("pwd").directory(null),
                () -> JvmProcess.builder().directory(null),
                () -> ProcessPool.builder().directory(null));
        sameMessage(NullPointerException.class, "redirect",
                () -> Command.of("cat").stdin(null),
                () -> JvmProcess.builder().stdin(null),
                () -> ProcessPool.builder().stdin(null));
    }

    @Test
    void aBadName_onTheJvmBuilders() {
        sameMessage(IllegalArgumentException.class, "empty",
                () -> JvmProcess.builder().name(""),
                () -> ProcessPool.builder().name(""));
        sameMessage(IllegalArgumentException.class, "a\\0b",
                () -> JvmProcess.builder().name("a\0b"),
                () -> ProcessPool.builder().name("a\0b"));
    }

    @Test
    void aBadJvmOptionOrProperty_onTheJvmBuilders() {
        sameMessage(IllegalArgumentException.class, "\"Xmx1g\"",
                () -> JvmProcess.builder().jvmOptions("Xmx1g"),
                () -> ProcessPool.builder().jvmOptions("Xmx1g"));
        sameMessage(IllegalArgumentException.class, "\"-jar\"",
                () -> JvmProcess.builder().jvmOptions("-jar"),
                () -> ProcessPool.builder().jvmOptions("-jar"));
        sameMessage(IllegalArgumentException.class, "a=b",
                () -> JvmProcess.builder().systemProperty("a=b", "c"),
                () -> ProcessPool.builder().systemProperty("a=b", "c"));
        sameMessage(IllegalArgumentException.class, "v\\0",
                () -> JvmProcess.builder().systemProperty("k", "v\0"),
                () -> ProcessPool.builder().systemProperty("k", "v\0"));
        sameMessage(IllegalArgumentException.class, "maxbytes",
                () -> JvmProcess.builder().deserializationFilter("maxbytes=lots"),
                () -> ProcessPool.builder().deserializationFilter("maxbytes=lots"));
    }

    @Test
    void aNegativeGrace() {
        sameMessage(IllegalArgumentException.class, "grace must not be negative: PT-1S",
                () -> Command.of("true").timeoutGrace(Duration.ofSeconds(-1)),
                () -> Pipeline.of(Command.of("true"), Command.of("true")).timeoutGrace(Duration.ofSeconds(-1)),
                () -> JvmProcess.builder().signalGrace(Duration.ofSeconds(-1)));
    }

    /**
     * Each of {@code attempts} throws exactly {@code type}, all with one message, which holds
     * {@code named}.
     */
    private static void sameMessage(Class<? extends Throwable> type, String named, Executable... attempts) {
        List<String> messages = new ArrayList<>();
        for (Executable attempt : attempts) {
            messages.add(assertThrowsExactly(type, attempt).getMessage());
        }
        assertTrue(messages.getFirst().contains(named), () -> "\"" + named + "\" not in: " + messages.getFirst());
        for (String message : messages) {
            assertEquals(messages.getFirst(), message, "the same mistake on another builder");
        }
    }
}
