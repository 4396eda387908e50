package dev.multiproc.internal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The children of this JVM, published in a small file so that another process (the
 * {@code multiproc tree} command) can tell which of this JVM's children are multiproc's, of
 * what kind, and whether they are daemons: nothing in {@code /proc} says so.
 *
 * <h2>Where and when</h2>
 * {@code $XDG_RUNTIME_DIR/multiproc/PID} (or {@code <java.io.tmpdir>/multiproc-<user>/PID}).
 * The first line is {@code jvm PID STARTTIME}, so a reader can tell a stale file (its JVM
 * gone, or its pid reused) from a live one; then one line per live child:
 * {@code PID KIND DAEMON STARTED-EPOCH-MILLIS NAME}. It is rewritten at most every {@link #DELAY_MILLIS} ms after
 * the children change, by the event thread (a write of a few hundred bytes; a virtual thread
 * would make the JDK start carrier threads, and the library's threads must stay two), never
 * on the spawn or reap path; and deleted at a normal exit. Writing it can be turned off with {@code -Ddev.multiproc.childrenFile=false};
 * failing to write it is not an error.
 */
public final class ChildrenFile {
    static final long DELAY_MILLIS = 200;
    private static final boolean ENABLED = !"false".equals(System.getProperty("dev.multiproc.childrenFile"));

    private final Engine engine;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Path file;

    ChildrenFile(Engine engine) {
        this.engine = engine;
        this.file = directory().resolve(Long.toString(ProcessHandle.current().pid()));
    }

    /** The directory the files are in. */
    public static Path directory() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "multiproc");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "multiproc-" + System.getProperty("user.name"));
    }

    /** One child as a file lists it. */
    public record Entry(int pid, Child.Kind kind, boolean daemon, long startedMillis, String name) {}

    /**
     * The children that the JVM {@code jvmPid} lists, or empty if it publishes none (not a JVM
     * using multiproc, or the file is stale).
     */
    public static Optional<List<Entry>> read(long jvmPid) {
        Path path = directory().resolve(Long.toString(jvmPid));
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
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
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Notes that the children changed; the file is rewritten a moment later. */
    void changed() {
        if (ENABLED && pending.compareAndSet(false, true)) {
            engine.loop().schedule(TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS), this::write);
        }
    }

    private void write() {
        pending.set(false);
        StringBuilder text = new StringBuilder();
        long self = ProcessHandle.current().pid();
        text.append("jvm ").append(self).append(' ')
                .append(ProcFs.stat((int) self).map(ProcFs.Stat::startTime).orElse(0L)).append('\n');
        for (Child c : engine.liveChildren()) {
            String name = c.name() != null ? c.name() : c.command().getFirst();
            text.append(c.pid()).append(' ').append(c.kind()).append(' ').append(c.daemon()).append(' ')
                    .append(c.startedAt().toEpochMilli()).append(' ').append(name.replace('\n', ' ')).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Read-only or full: the file is a courtesy to the tree command, nothing depends on it.
        }
    }

    /** Deletes the file, at a normal exit. */
    void delete() {
        deleteFor(ProcessHandle.current().pid());
    }

    /** Deletes the file of JVM {@code jvmPid}: the guardian's clean-up after that JVM died. */
    public static void deleteFor(long jvmPid) {
        try {
            Files.deleteIfExists(directory().resolve(Long.toString(jvmPid)));
        } catch (IOException e) {
            // as above
        }
    }
}
