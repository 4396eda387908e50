package dev.multiproc.internal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The children of this JVM, published in a small file so that another process (the
 * {@code multiproc tree} command) can tell which of this JVM's children are multiproc's, of
 * what kind, and whether they are daemons: nothing in {@code /proc} says so.
 *
 * <h2>Where and when</h2>
 * {@code $XDG_RUNTIME_DIR/multiproc/PID}, or {@code <java.io.tmpdir>/multiproc-<user>/PID}
 * when there is no runtime directory or its {@code multiproc} directory cannot be trusted.
 * Either must be a directory of this user's own, not a link: see {@link PrivateDirectory},
 * which creates it {@code 0700} and the file {@code 0600}, never through a link. If neither
 * can be trusted, a warning is logged once and no file is written. The first line is
 * {@code jvm PID STARTTIME}, so a reader can tell a stale file (its JVM gone, or its pid
 * reused) from a live one; then one line per live child:
 * {@code PID KIND DAEMON STARTED-EPOCH-MILLIS NAME}. It is rewritten at most every
 * {@link #DELAY_MILLIS} ms after the children change, by the event thread (a write of a few
 * hundred bytes; a virtual thread would make the JDK start carrier threads, and the library's
 * threads must stay two), never on the spawn or reap path; and deleted at a normal exit (by
 * the guardian if this JVM dies and it runs). The first write also deletes the files and
 * temporaries of JVMs that are gone. Writing it can be turned off with
 * {@code -Ddev.multiproc.childrenFile=false}; failing to write it is not an error.
 */
public final class ChildrenFile {
    static final long DELAY_MILLIS = 200;
    private static final boolean ENABLED = !"false".equals(System.getProperty("dev.multiproc.childrenFile"));
    private static final Pattern NAME = Pattern.compile("(\\d+)(\\.tmp)?");

    private final Engine engine;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final String name = Long.toString(ProcessHandle.current().pid());
    /** The directory chosen at the first write; touched only by the event thread and the exit hook. */
    private volatile Path directory;
    private boolean refused;

    ChildrenFile(Engine engine) {
        this.engine = engine;
    }

    /**
     * Where the files may be, most preferred first: the runtime directory's, if there is one,
     * then the temporary directory's.
     */
    public static List<Path> candidates() {
        List<Path> candidates = new ArrayList<>(2);
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))) {
            candidates.add(Path.of(runtime, "multiproc"));
        }
        candidates.add(Path.of(System.getProperty("java.io.tmpdir"), "multiproc-" + System.getProperty("user.name")));
        return candidates;
    }

    /** One child as a file lists it. */
    public record Entry(int pid, Child.Kind kind, boolean daemon, long startedMillis, String name) {}

    /**
     * The children that the JVM {@code jvmPid} lists, or empty if it publishes none (not a JVM
     * using multiproc, the file is stale, or it sits in a directory that cannot be trusted).
     */
    public static Optional<List<Entry>> read(long jvmPid) {
        for (Path dir : candidates()) {
            Path path = dir.resolve(Long.toString(jvmPid));
            if (!PrivateDirectory.isTrusted(dir) || !Files.exists(path)) {
                continue;
            }
            try {
                String text = new String(PrivateDirectory.read(path), StandardCharsets.UTF_8);
                return parse(text, jvmPid);
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<List<Entry>> parse(String text, long jvmPid) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String[] head = lines.getFirst().split(" ");
        Optional<ProcFs.Stat> jvm = ProcFs.stat((int) jvmPid);
        if (head.length != 3 || jvm.isEmpty() || jvm.get().startTime() != Long.parseLong(head[2])) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ", 5);
            entries.add(new Entry(Integer.parseInt(f[0]), Child.Kind.valueOf(f[1]), Boolean.parseBoolean(f[2]),
                    Long.parseLong(f[3]), f.length > 4 ? f[4] : ""));
        }
        return Optional.of(entries);
    }

    /** Notes that the children changed; the file is rewritten a moment later. */
    void changed() {
        if (ENABLED && pending.compareAndSet(false, true)) {
            engine.loop().schedule(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS), this::write);
        }
    }

    private void write() {
        pending.set(false);
        Path dir = directory();
        if (dir == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        long self = ProcessHandle.current().pid();
        text.append("jvm ").append(self).append(' ')
                .append(ProcFs.stat((int) self).map(ProcFs.Stat::startTime).orElse(0L)).append('\n');
        for (Child c : engine.liveChildren()) {
            String childName = c.name() != null ? c.name() : c.command().getFirst();
            text.append(c.pid()).append(' ').append(c.kind()).append(' ').append(c.daemon()).append(' ')
                    .append(c.startedAt().toEpochMilli()).append(' ').append(childName.replace('\n', ' ')).append('\n');
        }
        try {
            PrivateDirectory.replace(dir, name, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // Read-only or full: the file is a courtesy to the tree command, nothing depends on it.
        }
    }

    /** The directory to write in, chosen on first call; null if none can be trusted. */
    private Path directory() {
        if (directory != null || refused) {
            return directory;
        }
        List<String> refusals = new ArrayList<>();
        for (Path candidate : candidates()) {
            try {
                Optional<String> refusal = PrivateDirectory.ensure(candidate);
                if (refusal.isEmpty()) {
                    directory = candidate;
                    deleteStale(candidate);
                    return candidate;
                }
                refusals.add(refusal.get());
            } catch (IOException | RuntimeException e) {
                refusals.add(candidate + ": " + e);
            }
        }
        refused = true;
        System.getLogger(ChildrenFile.class.getName()).log(System.Logger.Level.WARNING,
                "not publishing this JVM's children for multiproc tree: " + String.join("; ", refusals));
        return null;
    }

    /** Deletes the files and temporaries that JVMs now gone left in {@code dir}. */
    private void deleteStale(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches() && !m.group(1).equals(name)
                        && isStale(file, Long.parseLong(m.group(1)), m.group(2) != null)) {
                    PrivateDirectory.deleteQuietly(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // stale files are harmless: readers check the JVM's start time
        }
    }

    /** True if {@code file}, of JVM {@code pid}, is stale: that JVM is gone (or the pid is another's now). */
    private static boolean isStale(Path file, long pid, boolean temporary) {
        Optional<ProcFs.Stat> jvm = ProcFs.stat((int) pid);
        if (jvm.isEmpty() || jvm.get().gone()) {
            return true;
        }
        if (temporary) {
            return false; // its JVM may be writing it now
        }
        try {
            String head = new String(PrivateDirectory.read(file), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("");
            String[] f = head.split(" ");
            return f.length == 3 && Long.parseLong(f[2]) != jvm.get().startTime();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Deletes the file, at a normal exit. */
    void delete() {
        Path dir = directory;
        if (dir != null) {
            PrivateDirectory.deleteQuietly(dir.resolve(name));
            PrivateDirectory.deleteQuietly(dir.resolve(name + ".tmp"));
        }
    }

    /** Deletes the file of JVM {@code jvmPid}: the guardian's clean-up after that JVM died. */
    public static void deleteFor(long jvmPid) {
        for (Path dir : candidates()) {
            if (PrivateDirectory.isTrusted(dir)) {
                PrivateDirectory.deleteQuietly(dir.resolve(Long.toString(jvmPid)));
                PrivateDirectory.deleteQuietly(dir.resolve(jvmPid + ".tmp"));
            }
        }
    }
}
