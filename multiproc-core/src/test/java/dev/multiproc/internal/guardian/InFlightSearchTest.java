package dev.multiproc.internal.guardian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.multiproc.internal.engine.ProcFs;
import dev.multiproc.internal.engine.ProcessTree;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which processes the guardian takes for the children of spawns under way when its JVM died.
 * Pure logic over a made-up {@code /proc}: the JVM was in session 50, group 60; its children
 * went to reaper 1; the guardian is 70.
 */
class InFlightSearchTest {
    private static final int REAPER = 1;
    private static final int SESSION = 50;
    private static final int GROUP = 60;
    private static final int GUARDIAN = 70;

    private static ProcFs.Stat proc(int pid, int ppid, int pgrp, int session, long start) {
        return new ProcFs.Stat(pid, "x", 'S', ppid, pgrp, session, start);
    }

    private static InFlightSearch search(Ledger.Placement placement, long before) {
        return new InFlightSearch(GUARDIAN, SESSION, GROUP, List.of(new Ledger.Announcement(1, before, placement)),
                Map.of());
    }

    private static List<Integer> pids(List<ProcessTree.Foreign> found) {
        return found.stream().map(ProcessTree.Foreign::pid).sorted().toList();
    }

    @Test
    void aPlainSpawn_findsTheReapersChildInTheJvmsGroupStartedInTheWindow() {
        List<ProcFs.Stat> all = List.of(
                proc(100, REAPER, GROUP, SESSION, 500),   // the child
                proc(101, REAPER, GROUP, SESSION, 499),   // started before the spawn
                proc(102, REAPER, GROUP, SESSION, 601),   // started after now
                proc(103, 77, GROUP, SESSION, 500),       // another parent's
                proc(104, REAPER, 104, SESSION, 500),     // another group
                proc(105, REAPER, GROUP, 51, 500),        // another session
                proc(GUARDIAN, REAPER, GUARDIAN, GUARDIAN, 500));
        assertEquals(List.of(100), pids(search(Ledger.Placement.PLAIN, 500).find(all, REAPER, 600)));
    }

    @Test
    void aNewGroupSpawn_findsALeaderOrAnOrphanOfAnotherGroupInTheJvmsSession() {
        List<ProcFs.Stat> all = List.of(
                proc(100, REAPER, 100, SESSION, 500),     // the child, leading its group
                proc(101, REAPER, 100, SESSION, 501),     // what it left behind
                proc(102, REAPER, GROUP, SESSION, 500),   // the JVM's group: a plain spawn's
                proc(103, REAPER, 103, 103, 500));        // a session of its own
        List<ProcessTree.Foreign> found = search(Ledger.Placement.NEW_GROUP, 500).find(all, REAPER, 600);
        assertEquals(List.of(100, 101), pids(found));
        assertEquals(new ProcessTree.Foreign(100, 500, 500, true, SESSION), found.getFirst());
    }

    @Test
    void aNewSessionSpawn_findsASessionLeader_andLaterWhatItLeftInItsSession() {
        InFlightSearch search = search(Ledger.Placement.NEW_SESSION, 500);
        List<ProcFs.Stat> first = List.of(
                proc(100, REAPER, 100, 100, 500),         // the child, leading its session
                proc(101, 100, 100, 100, 501),            // its child, not the reaper's
                proc(102, REAPER, 102, SESSION, 500),     // in the JVM's session
                proc(103, REAPER, 103, 104, 500));        // in a session it does not lead
        assertEquals(List.of(100), pids(search.find(first, REAPER, 600)));
        List<ProcFs.Stat> later = List.of(
                proc(101, REAPER, 100, 100, 501),         // orphaned when 100 died
                proc(103, REAPER, 103, 104, 500));
        assertEquals(List.of(101), pids(search.find(later, REAPER, 650)));
    }

    @Test
    void spareChildrenAndZombies_areLeftAlone() {
        List<ProcFs.Stat> all = List.of(
                proc(100, REAPER, GROUP, SESSION, 500),
                proc(101, REAPER, GROUP, SESSION, 500),
                new ProcFs.Stat(102, "x", 'Z', REAPER, GROUP, SESSION, 500));
        InFlightSearch search = new InFlightSearch(GUARDIAN, SESSION, GROUP,
                List.of(new Ledger.Announcement(1, 500, Ledger.Placement.PLAIN)),
                Map.of(101, new Ledger.Spared(101, 499, 500, 0), 100, new Ledger.Spared(100, 400, 401, 0)));
        assertEquals(List.of(100), pids(search.find(all, REAPER, 600)),
                "a spare pid whose start time does not match is a different process");
    }

    @Test
    void eachAnnouncement_countsFromItsOwnStart() {
        InFlightSearch search = new InFlightSearch(GUARDIAN, SESSION, GROUP, List.of(
                new Ledger.Announcement(1, 400, Ledger.Placement.NEW_SESSION),
                new Ledger.Announcement(2, 500, Ledger.Placement.PLAIN)), Map.of());
        List<ProcFs.Stat> all = List.of(
                proc(100, REAPER, GROUP, SESSION, 450),   // plain, but before the plain spawn
                proc(101, REAPER, 101, 101, 450),         // the new session's
                proc(102, REAPER, GROUP, SESSION, 500));  // the plain spawn's
        assertEquals(List.of(101, 102), pids(search.find(all, REAPER, 600)));
    }

    @Test
    void withNothingUnresolved_thereIsNothingToSearchFor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InFlightSearch(GUARDIAN, SESSION, GROUP, List.of(), Map.of()));
        assertEquals("no unresolved announcement to search for", e.getMessage());
    }
}
