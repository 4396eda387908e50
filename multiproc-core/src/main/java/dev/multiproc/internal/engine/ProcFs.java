package dev.multiproc.internal.engine;

import dev.multiproc.MultiprocException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code /proc}: one process's {@code stat}, every process's, a command line. */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /**
     * The fields of {@code /proc/PID/stat} that multiproc uses. {@code startTime} (clock ticks
     * since boot) together with {@code pid} names one process for good: a reused pid has a
     * later start time.
     */
    public record Stat(int pid, String comm, char state, int ppid, int pgrp, int session, long startTime) {
        /** True for a zombie ({@code Z}) or a dead process ({@code X}): it runs no more. */
        public boolean gone() {
            return state == 'Z' || state == 'X';
        }
    }

    /** The stat of {@code pid}, or empty if there is no such process. */
    public static Optional<Stat> stat(int pid) {
        try {
            return Optional.of(parse(pid, Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"),
                    StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The stat of every process visible now; processes that vanish while being read are left out. */
    public static List<Stat> all() {
        List<Stat> stats = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    stat(Integer.parseInt(name)).ifPresent(stats::add);
                }
            }
        } catch (IOException e) {
            throw new MultiprocException("cannot list /proc: " + e, e);
        }
        return stats;
    }

    /** The command line of {@code pid}, arguments joined by spaces; empty for kernel threads and zombies. */
    public static String cmdline(int pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("cmdline"));
            int end = raw.length;
            while (end > 0 && raw[end - 1] == 0) {
                end--;
            }
            return new String(raw, 0, end, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** What this JVM's {@code fd} points at, as {@code /proc/self/fd} shows it ("pipe:[4711]"). */
    public static Optional<String> fdLink(int fd) {
        try {
            return Optional.of(Files.readSymbolicLink(PROC.resolve("self/fd/" + fd)).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The pids of other processes with an fd pointing at one of {@code links} (such as a
     * pipe's "pipe:[4711]"): who holds the other end. Processes we may not inspect are skipped.
     */
    public static Set<Integer> holdersOf(Set<String> links) {
        Set<Integer> holders = new HashSet<>();
        if (links.isEmpty()) {
            return holders;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0)) || Long.parseLong(name) == self) {
                    continue;
                }
                if (holdsAny(dir.resolve("fd"), links)) {
                    holders.add(Integer.parseInt(name));
                }
            }
        } catch (IOException e) {
            throw new MultiprocException("cannot list /proc: " + e, e);
        }
        return holders;
    }

    private static boolean holdsAny(Path fdDir, Set<String> links) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (links.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException closedMeanwhile) {
                    // the fd was closed while we looked: not a holder through it
                }
            }
        } catch (IOException notOursOrGone) {
            // EACCES for other users' processes, or the process exited
        }
        return false;
    }

    /** The arguments of {@code pid}, as it was started; empty for kernel threads and zombies. */
    public static List<String> argv(int pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (start < raw.length) {
                args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    static Stat parse(int pid, String text) {
        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        //  utime stime cutime cstime priority nice threads itrealvalue starttime ..."
        // comm may hold spaces and parentheses: it ends at the last ')'.
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        String[] f = text.substring(close + 2).split(" ");
        return new Stat(pid, text.substring(open + 1, close), f[0].charAt(0), Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[19]));
    }
}
