package dev.multiproc.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who gets a job, when jobs are taken back, and when the pool's thread may pause its reading; no process involved. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DispatchTest {
    private long now = 1_000_000_000L;
    private final List<Long> rechecks = new ArrayList<>();
    private final Dispatch dispatch = new Dispatch(0, () -> now, new Actions() {
        @Override
        public void kill(Worker w, Unit reason) {}

        @Override
        public void corrupt(Worker w, String why) {
            throw new AssertionError(why);
        }

        @Override
        public void headStarted(Worker w) {}

        @Override
        public void retired(Worker w) {}

        @Override
        public void ready(Worker w) {}

        @Override
        public void initFailed(Worker w, byte[] payload, Batch batch) {}

        @Override
        public void recheckIn(long nanos) {
            rechecks.add(nanos);
        }
    });

    private Worker join(String name, boolean ready) {
        Worker w = new Worker(name, 1, 0, new Outbox(null));
        if (ready) {
            w.ready(now);
        }
        dispatch.add(w);
        return w;
    }

    private TaskUnit submit() {
        TaskUnit t = new TaskUnit(new byte[] {1}, null, "task", null, false, null);
        dispatch.queue().add(t);
        return t;
    }

    private void turn() {
        dispatch.dispatch(new Batch(null));
    }

    /** The job numbers of the SKIP frames sent to {@code w} so far. */
    private static List<Integer> skips(Worker w) throws IOException {
        FrameBuffer in = new FrameBuffer(1 << 16, Integer.MAX_VALUE, 0, Protocol.CALL, Protocol.SKIP);
        synchronized (w.outbox) {
            WireBuffer out = w.outbox.buffer();
            System.arraycopy(out.array(), 0, in.array(), in.end(), out.length());
            in.filled(out.length());
        }
        List<Integer> seqs = new ArrayList<>();
        Protocol.Frame f;
        while ((f = in.next(Integer.MAX_VALUE)) != null) {
            if (f.type() == Protocol.SKIP) {
                seqs.add(new WireReader(f.payload()).getInt());
            }
        }
        return seqs;
    }

    @Test
    void aJob_goesToAReadyWorkerFirst_thenToTheOneWithFewestInHand() {
        Worker starting = join("starting", false);
        Worker ready = join("ready", true);
        TaskUnit first = submit();
        turn();
        assertSame(ready, first.worker);
        ready.measured(1, 1_000, false); // its pace is known: its window opens
        starting.ready(now);
        TaskUnit second = submit();
        turn();
        assertSame(starting, second.worker, "the fewest jobs in hand");
    }

    @Test
    void anIdleWorker_takesBackHalfTheJobsWaitingBehindALongOne() throws IOException {
        Worker busy = join("busy", true);
        for (int i = 0; i < 5; i++) {
            busy.measured(1, 100_000, false); // 100 µs a job: a window of 11
        }
        List<TaskUnit> tasks = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            tasks.add(submit());
        }
        turn();
        assertEquals(9, busy.inHand());
        Worker idle = join("idle", true);
        turn();
        assertEquals(List.of(), skips(busy), "its first job has not run long enough");
        assertEquals(List.of(Dispatch.STEAL_AFTER_NANOS), rechecks, "a check is asked for when it will have");
        now += Dispatch.STEAL_AFTER_NANOS;
        dispatch.rechecked();
        turn();
        assertEquals(List.of(8, 7, 6, 5), skips(busy), "half of the 8 not started, from the last");
        for (int seq = 8; seq >= 5; seq--) {
            assertTrue(tasks.get(seq).reclaiming);
        }
        assertEquals(0, idle.inHand(), "nothing for it until the busy worker answers SKIPPED");
        Answers.take(busy, List.of(new Protocol.Frame(Protocol.SKIPPED, 8, new byte[0])), null, now,
                dispatch.queue(), new Batch(null), null);
        turn();
        assertSame(idle, tasks.get(8).worker);
    }

    @Test
    void thePoolsThreadPauses_onlyWhileEveryWorkerHasEnoughInHand() {
        Worker a = join("a", true);
        Worker b = join("b", true);
        assertEquals(0, dispatch.pause(), "nothing in hand: nothing to wait for");
        for (Worker w : List.of(a, b)) {
            for (int i = 0; i < 10; i++) {
                w.measured(1, 10_000, false); // 10 µs a job
            }
        }
        for (int i = 0; i < 160; i++) {
            submit();
        }
        turn();
        assertEquals(80, a.inHand());
        assertEquals(80, b.inHand());
        assertEquals(80 * 10_000 / 4, dispatch.pause(), "a quarter of 800 µs");
        Worker c = join("c", true);
        submit();
        assertNull(c.head());
        assertEquals(0, dispatch.pause(), "an idle worker while a job waits");
        turn();
        assertEquals(0, dispatch.pause(), "a worker whose pace is not known yet");
    }
}
