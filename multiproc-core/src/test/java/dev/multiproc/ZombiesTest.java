package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.multiproc.testing.Procs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A child must never stay a zombie, whether or not anyone waits for it or still holds it. */
class ZombiesTest {
    private static final int CHILDREN = 500;

    @Test
    @Timeout(120)
    void children_thatExitAtOnceAreReapedWithoutAnyWait() throws Exception {
        List<Subprocess> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            children.add(quietTrue().start());
        }

        Procs.await("every child reaped", () -> children.stream().allMatch(p -> p.exitStatus().isPresent()));
        Set<Long> ours = pids(children);
        assertEquals(List.of(), Procs.zombieChildren().stream().filter(z -> ours.contains(z.pid())).toList());
        for (Subprocess p : children) {
            assertEquals(ExitStatus.exited(0), p.exitStatus().orElseThrow());
        }
    }

    @Test
    @Timeout(120)
    void children_nobodyHoldsAreReapedToo() throws Exception {
        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < CHILDREN; i++) {
            pids.add(quietTrue().start().pid());
        }
        System.gc();

        Procs.await("no zombie among " + CHILDREN + " children nobody holds",
                () -> Procs.children().stream().noneMatch(c -> pids.contains(c.pid())));
    }

    private static Command quietTrue() {
        return Command.of("true").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
    }

    private static Set<Long> pids(List<Subprocess> children) {
        Set<Long> pids = new HashSet<>();
        children.forEach(p -> pids.add(p.pid()));
        return pids;
    }
}
