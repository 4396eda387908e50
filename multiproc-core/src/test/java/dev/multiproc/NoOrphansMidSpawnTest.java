package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.lifecycle.SpawningParent;
import dev.multiproc.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No command outlives its JVM, whatever moment the JVM dies at: not even one whose spawn was
 * under way when the JVM was SIGKILLed, with sixteen threads spawning. And the search for
 * those leaves alone the commands started to survive their parent.
 */
class NoOrphansMidSpawnTest {
    private static final int THREADS = 16;
    /** How long after the parent's death nothing it started may still run (the guarantee's bound). */
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** One parent's life and what it left. */
    private record Round(String token, List<Long> survivors, long guardian) {}

    @Test
    @Timeout(400)
    void parentSigkilledWhile16ThreadsSpawn_leavesNothingAlive() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            Round r = killWhileSpawning(0);
            Procs.poll(BOUND, () -> guardedAlive(r.token()).isEmpty());
            List<ProcessEntry> alive = guardedAlive(r.token());
            if (!alive.isEmpty()) {
                failures.add("round " + round + ": " + alive.size() + " alive, such as " + alive.getFirst());
            }
            killMarked(r.token());
        }
        assertTrue(failures.isEmpty(), "processes outlived their parent by " + BOUND + ": " + failures);
    }

    @Test
    @Timeout(300)
    void parentSigkilledWhileSpawning_sparesTheCommandsThatSurviveIt() throws Exception {
        List<String> failures = new ArrayList<>();
        int survivors = 0;
        for (int round = 0; round < 5; round++) {
            Round r = killWhileSpawning(4);
            try {
                Procs.await("the guardian " + r.guardian() + " ends", () -> !ProcessEntry.isRunning(r.guardian()));
                assertTrue(guardedAlive(r.token()).isEmpty(), "guarded commands outlived their parent");
                List<Long> killed = r.survivors().stream().filter(pid -> !ProcessEntry.isRunning(pid)).toList();
                if (!killed.isEmpty()) {
                    failures.add("round " + round + ": " + killed.size() + " of " + r.survivors().size()
                            + " killed, such as " + killed.getFirst());
                }
                survivors += r.survivors().size();
            } finally {
                killMarked(r.token());
            }
        }
        assertTrue(failures.isEmpty(), "commands started to survive their parent were killed: " + failures);
        assertTrue(survivors > 0, "no command that survives its parent was started");
    }

    /**
     * Starts {@link SpawningParent} with {@code survivorThreads}, SIGKILLs it once it spawns,
     * and reads the survivors it started.
     */
    private static Round killWhileSpawning(int survivorThreads) throws Exception {
        String token = "mp-midspawn-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Subprocess parent = Procs.java(List.of("-Xmx64m"), SpawningParent.class, token, Integer.toString(THREADS),
                Integer.toString(survivorThreads)).stdin(Redirect.DISCARD).stderr(Redirect.INHERIT).start();
        List<Long> survivors = new ArrayList<>();
        long guardian;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(parent.stdout(), StandardCharsets.US_ASCII))) {
            String line = out.readLine();
            for (; line != null && !line.equals("spawning"); line = out.readLine()) {
                survivors.add(Long.parseLong(line.substring("survivor ".length())));
            }
            assertEquals("spawning", line, "the parent started spawning");
            guardian = Procs.childrenOf(parent.pid()).stream()
                    .filter(e -> e.commandLine().contains("internal.guardian.Guardian") && !e.zombie())
                    .mapToLong(ProcessEntry::pid).findFirst().orElseThrow();
            Thread.sleep(ThreadLocalRandom.current().nextInt(20));
            parent.kill();
            for (line = out.readLine(); line != null; line = out.readLine()) {
                survivors.add(Long.parseLong(line.substring("survivor ".length())));
            }
        }
        assertEquals(-9, parent.waitFor().returncode());
        parent.close();
        return new Round(token, survivors, guardian);
    }

    /** The guarded processes still running (not zombies) that a round marked with {@code token}. */
    private static List<ProcessEntry> guardedAlive(String token) {
        return ProcessEntry.snapshot().stream()
                .filter(e -> !e.zombie() && e.commandLine().contains(token) && !e.commandLine().contains("-survivor"))
                .toList();
    }

    private static void killMarked(String token) {
        ProcessEntry.snapshot().stream()
                .filter(e -> !e.zombie() && e.commandLine().contains(token))
                .forEach(e -> ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly));
    }
}
