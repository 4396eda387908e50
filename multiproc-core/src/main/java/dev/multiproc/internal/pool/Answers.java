package dev.multiproc.internal.pool;

import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import java.util.List;

/**
 * A worker's answers, taken in under the pool's lock: each bound to the job it names, or the
 * channel is corrupted.
 *
 * <h2>Answers are bound to their jobs</h2>
 * Every answer names its job (its number XOR the worker's key, see {@code Protocol}), and must
 * name the first job in hand (a SKIPPED, a job in hand; a READY, none, and only once). Anything
 * else (a frame a task wrote onto fd 4, bytes cut or shifted) means nothing more from that
 * channel can be trusted: the worker is killed, its running job fails with a
 * {@link dev.multiproc.WorkerDiedException} that says the channel was corrupted, and the jobs
 * behind it go back to the queue, as for a death. Without the check, one stray frame would
 * shift every later answer onto the wrong job, silently.
 */
final class Answers {
    private Answers() {}

    /**
     * Takes in {@code frames}, read from {@code w}'s pipe at {@code now}: decides the jobs they
     * answer, puts the jobs skipped to be taken back into {@code queue}, measures the worker's
     * pace, and starts its next job's clock.
     *
     * @param fault why reading stopped after these frames (the next one was corrupt), or null
     */
    static void take(Worker w, List<Protocol.Frame> frames, String fault, long now, JobQueue queue, Batch batch,
                     Actions actions) {
        Unit head = w.head();
        int answered = 0;
        for (Protocol.Frame f : frames) {
            switch (f.type()) {
                case Protocol.READY -> {
                    if (f.seq() != Protocol.NO_JOB || !w.ready(now)) {
                        actions.corrupt(w, "a second READY, or one for a job (" + f.seq() + ")");
                        return;
                    }
                    actions.ready(w);
                    head = null; // the first job in hand starts now
                }
                case Protocol.INIT_FAILED -> {
                    if (w.wasReady() || f.seq() != Protocol.NO_JOB) {
                        actions.corrupt(w, "an INIT_FAILED after READY, or for a job (" + f.seq() + ")");
                        return;
                    }
                    actions.initFailed(w, f.payload(), batch);
                    return;
                }
                case Protocol.SKIPPED -> {
                    Unit u = w.skipped(f.seq());
                    if (u == null) {
                        actions.corrupt(w, "a SKIPPED for job " + f.seq() + ", which it does not hold");
                        return;
                    }
                    if (u.reclaiming && !u.isSettled()) {
                        queue.giveBack(u); // taken back: an idle worker runs it
                    }
                }
                default -> {
                    Unit u = w.answer(f.type(), f.seq());
                    if (u == null) {
                        actions.corrupt(w, w.unexpected(FrameBuffer.describe(f.type()), f.seq()));
                        return;
                    }
                    answered++;
                    batch.answer(u, w, f);
                }
            }
        }
        if (fault != null) {
            actions.corrupt(w, fault);
            return;
        }
        if (answered > 0) {
            w.measured(answered, now - w.headSince(), w.inHand() == 0 && !queue.isEmpty());
        }
        if (w.head() != head && w.wasReady()) {
            if (w.head() != null) {
                w.headStarted(now);
                actions.headStarted(w);
            } else if (w.intake() == Worker.Intake.RETIRING && w.closeInput()) {
                batch.close(w.outbox); // it has answered its last job: let it exit
            }
        }
    }
}
