package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.posix.Processes;
import dev.multiproc.ipctesting.EveryoneMain;
import dev.multiproc.jvmtesting.JvmTesting;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When every process that used the shared objects is SIGKILLed, nothing is left: no file in
 * /dev/shm, no process holding their memory files (nothing was named, so nothing can leak).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IpcEveryoneKilledTest {
    @Test
    void everyoneSigkilled_leavesNothingInDevShmOrAnyFdTable() throws Exception {
        Set<String> shmBefore = listing(Path.of("/dev/shm"));
        Subprocess parent = JvmTesting.javaCommand(EveryoneMain.class).stderr(Redirect.INHERIT).start();
        List<Long> pids = new ArrayList<>(List.of(parent.pid()));
        Set<Long> inodes = new HashSet<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(parent.stdout(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.equals("ready")) {
                if (line.startsWith("inode ")) {
                    inodes.add(Long.parseLong(line.substring(6)));
                } else if (line.startsWith("child ")) {
                    pids.add(Long.parseLong(line.substring(6)));
                }
            }
            assertEquals("ready", line);
            assertEquals(6, inodes.size());
            assertEquals(3, pids.size());
            assertTrue(!holdersOf(inodes).isEmpty(), "the memory files are held while everyone runs");
            for (long pid : pids) {
                Processes.kill((int) pid, 9);
            }
            assertTrue(JvmTesting.awaitGone(pids, 20_000), "everyone is gone");
            parent.waitFor();
        } finally {
            JvmTesting.killAll(pids);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<Long> holders = holdersOf(inodes);
        while (!holders.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            holders = holdersOf(inodes);
        }
        assertEquals(Set.of(), holders, "no process holds a memory file of theirs");
        assertEquals(shmBefore, listing(Path.of("/dev/shm")), "nothing was left in /dev/shm");
    }

    /** The pids of processes with an fd on a file of {@code inodes} (the memory files are all on one device). */
    private static Set<Long> holdersOf(Set<Long> inodes) throws IOException {
        Set<Long> holders = new TreeSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path proc : procs) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().contains("memfd:multiproc-")
                                    && inodes.contains((Long) Files.getAttribute(fd, "unix:ino"))) {
                                holders.add(Long.parseLong(name));
                            }
                        } catch (IOException closedMeanwhile) {
                            // gone while we looked
                        }
                    }
                } catch (IOException goneOrNotOurs) {
                    // the process ended while we looked
                }
            }
        }
        return holders;
    }

    private static Set<String> listing(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            // left out: what the named-segment tests make (another test JVM may run one meanwhile),
            // and Python's semaphores (sem.mp-*), which other programs on the machine make
            return new TreeSet<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("multiproc-test-") && !n.startsWith("sem.mp-")).toList());
        }
    }
}
