package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.testing.Procs;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every process that holds a queue or a pipe SIGKILLed, in the middle of their work: nothing is
 * left behind, in {@code /dev/shm} or in any process's fds or mappings.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QueueAndPipeEveryoneKilledTest {
    /** What the process that made the objects reports: the files they are (as fd keys), and its children. */
    record Report(Set<String> files, Set<Long> inodes, List<Long> pids) implements Serializable {}

    @Test
    void everyoneSigkilled_leavesNothingBehind() throws Exception {
        Set<String> shmBefore = shm();
        Report report;
        JvmProcess<Void> owner;
        try (Pipe<Report> reports = Pipe.openOneWay()) {
            Connection<Report> out = reports.right();
            owner = JvmProcess.builder().daemon(true).start(() -> {
                Set<String> before = fileKeys(ProcessHandle.current().pid()).keySet();
                ProcessQueue<byte[]> q = ProcessQueue.create(8, 1 << 20);
                Pipe<String> pipe = Pipe.open();
                Connection<String> far = pipe.right();
                JvmProcess<Void> producer = JvmProcess.builder().daemon(true).start(() -> {
                    byte[] m = new byte[500_000];
                    while (true) {
                        q.put(m); // fills the queue, then waits for room: killed mid-put or waiting
                    }
                });
                JvmProcess<Void> holder = JvmProcess.builder().daemon(true).start(() -> {
                    far.send("ready");
                    while (true) {
                        q.take();
                        Thread.sleep(5);
                    }
                });
                pipe.left().recv();
                java.util.Map<String, Long> after = fileKeys(ProcessHandle.current().pid());
                Set<String> made = new HashSet<>(after.keySet());
                made.removeAll(before);
                Set<Long> inodes = new HashSet<>();
                for (String key : made) {
                    inodes.add(after.get(key));
                }
                out.send(new Report(made, inodes, List.of(producer.pid(), holder.pid())));
                Thread.sleep(120_000);
                return null;
            });
            report = reports.left().recv();
        }
        assertTrue(report.files().size() >= 3, "the queue's memory file and the pipes: " + report.files());
        List<Long> everyone = new ArrayList<>(report.pids());
        everyone.add(owner.pid());
        for (long pid : everyone) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
        }
        for (long pid : everyone) {
            Procs.awaitGone(pid);
        }
        Procs.await("no process holds the queue's memory or the pipes", () -> holdersQuietly(report).isEmpty());
        assertEquals(Set.of(), holders(report));
        Set<String> shmNew = shm();
        shmNew.removeAll(shmBefore);
        // Python's multiprocessing, run by other programs on this machine, names its semaphores sem.mp-*
        shmNew.removeIf(name -> name.startsWith("/dev/shm/sem.mp-"));
        // and the named-segment tests, which another test JVM may run meanwhile
        shmNew.removeIf(name -> name.startsWith("/dev/shm/multiproc-test-"));
        assertEquals(Set.of(), shmNew, "nothing in /dev/shm");
    }

    /** The fds of {@code pid}: the key of the file each names (device and inode), with its inode. */
    static java.util.Map<String, Long> fileKeys(long pid) {
        java.util.Map<String, Long> keys = new java.util.HashMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("pipe:") || target.startsWith("/memfd:")) {
                        BasicFileAttributes a = Files.readAttributes(fd, BasicFileAttributes.class);
                        keys.put(String.valueOf(a.fileKey()), (Long) Files.getAttribute(fd, "unix:ino"));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            // the process is gone
        }
        return keys;
    }

    /** Every process (other than gone ones) with an fd or a mapping of what the report names. */
    private static Set<String> holders(Report report) throws IOException {
        Set<String> found = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                long pid = Long.parseLong(proc.getFileName().toString());
                for (String key : fileKeys(pid).keySet()) {
                    if (report.files().contains(key)) {
                        found.add(pid + " fd " + key);
                    }
                }
                try {
                    for (String line : Files.readAllLines(proc.resolve("maps"))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length >= 6 && f[5].startsWith("/memfd:") && report.inodes().contains(Long.parseLong(f[4]))) {
                            found.add(pid + " maps " + line);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile, or not ours to read
                }
            }
        }
        return found;
    }

    private static Set<String> holdersQuietly(Report report) {
        try {
            return holders(report);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> shm() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            return new HashSet<>(files.map(Path::toString).toList());
        }
    }
}
