package dev.multiproc.internal.guardian;

import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.engine.ProcessTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the children of spawns that were under way when the JVM died: the JVM announced them
 * and never said their pid. See "Spawns under way" in {@link Guardian} for why these rules.
 *
 * <p>A process is taken for one if all hold:
 * <ul>
 *   <li>its parent is the reaper that adopted the JVM's children (the guardian's own parent
 *   now), and it is not the guardian;</li>
 *   <li>it started at or after an unresolved announcement's {@code before}, and not after now;</li>
 *   <li>it sits where that spawn puts its child: a plain spawn in the JVM's session and group;
 *   a new-group spawn in the JVM's session, in another group; a new-session spawn as the
 *   leader of a session of its own (or, in a later look, in a session led by a child found
 *   before: a descendant its leader left behind);</li>
 *   <li>the JVM did not name it as a child to spare (a child JVM, a command that survives
 *   its parent).</li>
 * </ul>
 */
final class InFlightSearch {
    private final int self;
    private final int jvmSession;
    private final int jvmGroup;
    private final List<Ledger.Announcement> unresolved;
    private final Map<Integer, Ledger.Spared> spared;
    private final long earliest;
    /** Sessions whose leaders were found: a later look takes their orphaned members too. */
    private final Set<Integer> sessionsFound = new HashSet<>();

    /**
     * @param self the guardian's pid
     * @param jvmSession the session of the JVM that died
     * @param jvmGroup the process group of the JVM that died
     * @param unresolved the announcements never resolved; not empty
     * @param spared the children the JVM named to spare, by pid
     */
    InFlightSearch(int self, int jvmSession, int jvmGroup, List<Ledger.Announcement> unresolved,
                   Map<Integer, Ledger.Spared> spared) {
        if (unresolved.isEmpty()) {
            throw new IllegalArgumentException("no unresolved announcement to search for");
        }
        this.self = self;
        this.jvmSession = jvmSession;
        this.jvmGroup = jvmGroup;
        this.unresolved = List.copyOf(unresolved);
        this.spared = Map.copyOf(spared);
        this.earliest = unresolved.stream().mapToLong(Ledger.Announcement::before).min().orElseThrow();
    }

    /**
     * The processes among {@code all} taken for children of unresolved spawns, as roots to kill
     * with their trees.
     *
     * @param all every process, as {@code /proc} shows it now
     * @param reaper the process that adopted the JVM's children
     * @param now the boot clock now (clock ticks)
     */
    List<ProcessTree.Foreign> find(List<ProcFs.Stat> all, int reaper, long now) {
        List<ProcessTree.Foreign> found = new ArrayList<>();
        for (ProcFs.Stat s : all) {
            if (s.ppid() != reaper || s.pid() == self || s.gone() || s.startTime() < earliest
                    || s.startTime() > now || isSpared(s)) {
                continue;
            }
            if (sessionsFound.contains(s.session()) || unresolved.stream().anyMatch(a -> fits(a, s))) {
                found.add(new ProcessTree.Foreign(s.pid(), s.startTime(), s.startTime(), s.pgrp() == s.pid(),
                        s.session()));
            }
        }
        for (ProcessTree.Foreign f : found) {
            if (f.session() == f.pid()) {
                sessionsFound.add(f.pid());
            }
        }
        return found;
    }

    private boolean fits(Ledger.Announcement a, ProcFs.Stat s) {
        if (s.startTime() < a.before()) {
            return false;
        }
        return switch (a.placement()) {
            case PLAIN -> s.session() == jvmSession && s.pgrp() == jvmGroup;
            case NEW_GROUP -> s.session() == jvmSession && s.pgrp() != jvmGroup;
            case NEW_SESSION -> s.session() == s.pid() && s.session() != jvmSession;
        };
    }

    private boolean isSpared(ProcFs.Stat s) {
        Ledger.Spared x = spared.get(s.pid());
        return x != null && x.matches(s.pid(), s.startTime());
    }
}
