package dev.multiproc.internal.guardian;

import dev.multiproc.internal.engine.ProcessTree;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guardian knows of its JVM's children, from the lines the JVM wrote (see
 * {@link Guardian}): the guarded commands running, the spawns announced and not resolved, and
 * the children lately started that must be spared.
 */
final class Ledger {
    /** How a spawn places its child: in this JVM's group, a new group, or a new session. */
    enum Placement { PLAIN, NEW_GROUP, NEW_SESSION }

    /** A spawn announced and not resolved: its child, if any, started at {@code before} or later. */
    record Announcement(long number, long before, Placement placement) {}

    /** A child to spare: its pid and the range its start time lies in. */
    record Spared(int pid, long earliestStart, long latestStart, long seenNanos) {
        boolean matches(int otherPid, long startTime) {
            return pid == otherPid && startTime >= earliestStart && startTime <= latestStart;
        }
    }

    /** How long a child to spare is remembered when no announcement older than it is unresolved. */
    static final long SPARE_MEMORY_NANOS = 10_000_000_000L;

    private final Map<Integer, ProcessTree.Foreign> guarded = new LinkedHashMap<>();
    private final Map<Long, Announcement> announced = new HashMap<>();
    private final Map<Integer, Spared> spared = new LinkedHashMap<>();

    /**
     * Applies one line; false for {@code release}.
     *
     * @throws IllegalArgumentException if the line is not one the JVM writes
     */
    boolean apply(String line, long nowNanos) {
        String[] f = line.split(" ");
        try {
            switch (f[0]) {
                case "?" -> announced.put(Long.parseLong(f[1]),
                        new Announcement(Long.parseLong(f[1]), Long.parseLong(f[2]), placement(f[3])));
                case "+" -> {
                    int pid = Integer.parseInt(f[1]);
                    guarded.put(pid, new ProcessTree.Foreign(pid, Long.parseLong(f[2]), Long.parseLong(f[3]),
                            f[4].equals("1"), Integer.parseInt(f[5])));
                    announced.remove(Long.parseLong(f[6]));
                }
                case "x" -> announced.remove(Long.parseLong(f[1]));
                case "-" -> guarded.remove(Integer.parseInt(f[1]));
                case "s" -> {
                    int pid = Integer.parseInt(f[1]);
                    spared.remove(pid); // re-inserted last: the map stays in the order lines came
                    spared.put(pid, new Spared(pid, Long.parseLong(f[2]), Long.parseLong(f[3]), nowNanos));
                }
                case "release" -> {
                    return false;
                }
                default -> throw new IllegalArgumentException("unknown line \"" + line + "\"");
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed line \"" + line + "\"", e);
        }
        return true;
    }

    private static Placement placement(String code) {
        return switch (code) {
            case "p" -> Placement.PLAIN;
            case "g" -> Placement.NEW_GROUP;
            case "s" -> Placement.NEW_SESSION;
            default -> throw new IllegalArgumentException("unknown placement " + code);
        };
    }

    /**
     * Forgets the children to spare seen more than {@link #SPARE_MEMORY_NANOS} ago that started
     * before every unresolved announcement: no search for an announced child can take them
     * for it.
     */
    void forgetOldSpares(long nowNanos) {
        long oldestBefore = announced.values().stream().mapToLong(Announcement::before).min().orElse(Long.MAX_VALUE);
        for (Iterator<Spared> it = spared.values().iterator(); it.hasNext(); ) {
            Spared s = it.next();
            if (nowNanos - s.seenNanos() < SPARE_MEMORY_NANOS) {
                return;
            }
            if (s.latestStart() < oldestBefore) {
                it.remove();
            }
        }
    }

    /** The guarded commands registered and not reaped. */
    List<ProcessTree.Foreign> guarded() {
        return new ArrayList<>(guarded.values());
    }

    /** The spawns announced and never resolved. */
    List<Announcement> unresolved() {
        return new ArrayList<>(announced.values());
    }

    /** The children to spare that the JVM named lately, by pid. */
    Map<Integer, Spared> spared() {
        return Map.copyOf(spared);
    }
}
