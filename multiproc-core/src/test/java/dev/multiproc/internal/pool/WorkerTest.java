package dev.multiproc.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.multiproc.internal.wire.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker's phase, intake, hand and window, and a job decided once; no process involved. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkerTest {
    private static Worker worker() {
        return new Worker("w", 1, 0, new Outbox(null));
    }

    private static TaskUnit task() {
        return new TaskUnit(new byte[] {1}, null, "task", null, false, null);
    }

    @Test
    void aJobIsDecidedOnce_theSecondDecisionIsRefused() {
        List<String> delivered = new ArrayList<>();
        Batch batch = new Batch(new Outcomes() {
            @Override
            public void answer(Unit unit, Worker worker, Protocol.Frame answer) {
                delivered.add("answer");
            }

            @Override
            public void fail(Unit unit, Throwable failure) {
                delivered.add("fail");
            }

            @Override
            public void cancel(Unit unit) {
                delivered.add("cancel");
            }
        });
        TaskUnit t = task();
        assertTrue(batch.fail(t, new RuntimeException("deadline")));
        assertFalse(batch.answer(t, worker(), new Protocol.Frame(Protocol.RESULT, 0, new byte[0])));
        assertFalse(batch.cancel(t));
        assertFalse(t.settle());
        batch.deliver();
        assertEquals(List.of("fail"), delivered);
    }

    @Test
    void phase_movesForward_andAReadyAfterTheKillStillCounts() {
        Worker w = worker();
        assertEquals(Worker.Phase.STARTING, w.phase());
        assertTrue(w.kill(null));
        assertFalse(w.kill(null), "killed once");
        assertEquals(Worker.Phase.DYING_UNREADY, w.phase());
        assertFalse(w.wasReady());
        assertTrue(w.ready(5), "its READY was in the pipe when it was killed");
        assertEquals(Worker.Phase.DYING, w.phase());
        assertTrue(w.wasReady() && w.isDying() && !w.isServing());

        Worker v = worker();
        assertTrue(v.ready(1));
        assertFalse(v.ready(2), "a second READY");
        assertTrue(v.isServing());
    }

    @Test
    void intake_retiresThenCloses_orClosesAtTheEnd() {
        Worker w = worker();
        assertTrue(w.retire());
        assertFalse(w.retire());
        assertEquals(Worker.Intake.RETIRING, w.intake());
        assertFalse(w.counts(), "a retiring worker is being replaced");
        assertTrue(w.closeInput());
        assertEquals(Worker.Intake.RETIRED, w.intake());
        assertFalse(w.closeInput());

        Worker v = worker();
        assertTrue(v.closeInput());
        assertEquals(Worker.Intake.CLOSED, v.intake());
        assertFalse(v.retire());
        assertTrue(v.counts(), "a worker closed as the pool ends still counts");
        assertFalse(v.hasRoom());
    }

    @Test
    void answers_mustNameTheFirstJobInHand_ofAReadyWorker() throws Exception {
        Worker w = worker();
        TaskUnit a = task();
        TaskUnit b = task();
        assertFalse(w.give(a), "not ready: nothing starts");
        assertNull(w.answer(Protocol.RESULT, 0), "an answer before READY");
        w.ready(10);
        assertEquals(10, w.headSince());
        assertFalse(w.hasRoom(), "one job at a time before its pace is known");
        assertNull(w.answer(Protocol.RESULT, 1), "job 1 was never given");
        assertNull(w.answer(Protocol.CHUNK_RESULT, 0), "a chunk's answer for a task");
        assertSame(a, w.answer(Protocol.RESULT, 0));
        assertTrue(w.give(b), "a ready worker with an empty hand starts the job at once");
        assertSame(b, w.skipped(1));
        assertNull(w.skipped(1));
    }

    @Test
    void window_growsAtMostTwicePerRead_andShrinksAtOnce() {
        Worker w = worker();
        assertEquals(1, w.window());
        w.measured(1, 10, false); // 10 ns a job: the target is far above
        assertEquals(2, w.window());
        w.measured(2, 20, false);
        assertEquals(4, w.window());
        for (int i = 0; i < 20; i++) {
            w.measured(4, 40, false);
        }
        assertEquals(Worker.MAX_WINDOW, w.window());
        w.measured(1, 100_000_000, false); // 100 ms a job
        assertEquals(1, w.window());
    }

    @Test
    void aWorkerStarvedWhileJobsWaited_getsALongerLead_andDoesNotLookSlower() throws Exception {
        Worker w = worker();
        w.ready(0);
        for (int i = 0; i < 10; i++) {
            w.measured(4, 40_000, false); // 10 µs a job, some left in hand
        }
        assertEquals(Worker.LEAD_NANOS, w.lead());
        int window = w.window();
        assertEquals(1 + (int) (Worker.LEAD_NANOS / 10_000), window);
        // It drained its hand and waited for this JVM half of the time: not twice as slow.
        w.measured(window, 2 * window * 10_000L, true);
        assertEquals(2 * Worker.LEAD_NANOS, w.lead());
        assertEquals(Math.min(2 * window, 1 + (int) (2 * Worker.LEAD_NANOS / 10_000)), w.window());
        for (int i = 0; i < 20; i++) {
            w.measured(w.window(), 4 * w.window() * 10_000L, true);
        }
        assertEquals(Worker.MAX_LEAD_NANOS, w.lead());
        assertEquals(1 + (int) (Worker.MAX_LEAD_NANOS / 10_000), w.window());
        // A read that finds jobs left measures the pace as it is, and the lead shrinks back slowly.
        TaskUnit t = task();
        w.give(t);
        long lead = w.lead();
        w.measured(1, 10_000, false);
        assertTrue(w.lead() < lead && w.lead() > lead / 2, "lead " + w.lead());
    }

    @Test
    void aWorkerOfOneJobAtATime_isNotGivenALongerLeadForWaiting() {
        Worker w = worker();
        w.measured(1, 50_000_000, true); // 50 ms a job: one at a time, it always waits between two
        w.measured(1, 50_000_000, true);
        assertEquals(Worker.LEAD_NANOS, w.lead());
        assertEquals(1, w.window());
    }
}
