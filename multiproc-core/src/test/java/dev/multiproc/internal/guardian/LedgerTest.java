package dev.multiproc.internal.guardian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.engine.ProcessTree;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guardian's reading of its JVM's lines: what is guarded, announced and spared. Pure logic. */
class LedgerTest {
    private static final long T = 1_000_000_000L;

    @Test
    void anAnnouncement_isUnresolvedUntilItsPlusLine() {
        Ledger ledger = new Ledger();
        ledger.apply("? 7 500 g", 0);
        assertEquals(List.of(new Ledger.Announcement(7, 500, Ledger.Placement.NEW_GROUP)), ledger.unresolved());
        ledger.apply("+ 4242 500 501 1 99 7", 0);
        assertTrue(ledger.unresolved().isEmpty());
        assertEquals(List.of(new ProcessTree.Foreign(4242, 500, 501, true, 99)), ledger.guarded());
    }

    @Test
    void aFailedSpawn_resolvesItsAnnouncement() {
        Ledger ledger = new Ledger();
        ledger.apply("? 1 500 p", 0);
        ledger.apply("? 2 500 s", 0);
        ledger.apply("x 1", 0);
        assertEquals(List.of(new Ledger.Announcement(2, 500, Ledger.Placement.NEW_SESSION)), ledger.unresolved());
    }

    @Test
    void aReapedCommand_isNoLongerGuarded() {
        Ledger ledger = new Ledger();
        ledger.apply("+ 4242 500 501 0 99 3", 0);
        ledger.apply("- 4242", 0);
        assertTrue(ledger.guarded().isEmpty());
    }

    @Test
    void release_endsTheReading() {
        assertFalse(new Ledger().apply("release", 0));
    }

    @Test
    void aLineItDoesNotKnow_isRefusedNamingIt() {
        Ledger ledger = new Ledger();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ledger.apply("? 1 x p", 0));
        assertTrue(e.getMessage().contains("\"? 1 x p\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ledger.apply("+ 1 2", 0));
        assertTrue(e.getMessage().contains("\"+ 1 2\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ledger.apply("hello", 0));
        assertTrue(e.getMessage().contains("hello"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ledger.apply("? 1 5 q", 0));
        assertTrue(e.getMessage().contains("q"), e.getMessage());
    }

    @Test
    void sparedChildren_areForgottenOnlyWhenOldAndStartedBeforeEveryUnresolvedSpawn() {
        Ledger ledger = new Ledger();
        ledger.apply("s 10 100 101", 0);
        ledger.apply("s 11 300 301", 0);
        ledger.apply("s 12 300 301", 15 * T);
        ledger.apply("? 5 200 p", 15 * T);
        ledger.forgetOldSpares(5 * T);
        assertEquals(3, ledger.spared().size(), "none is old yet");
        ledger.forgetOldSpares(20 * T);
        assertEquals(List.of(11, 12), ledger.spared().keySet().stream().sorted().toList(),
                "10 started before the unresolved spawn, 11 may be taken for its child, 12 is recent");
        ledger.apply("x 5", 20 * T);
        ledger.forgetOldSpares(20 * T);
        assertEquals(List.of(12), List.copyOf(ledger.spared().keySet()));
    }
}
