package dev.multiproc.internal.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.api.Assertions;

import dev.multiproc.internal.wire.FrameBuffer;
import dev.multiproc.internal.wire.Protocol;
import dev.multiproc.internal.wire.WireBuffer;
import dev.multiproc.internal.wire.WireReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's decisions about jobs, driven without a JVM through hundreds of generated schedules:
 * tasks and map calls arrive at random, simulated workers run what they are sent in order (as
 * {@code WorkerLoop} does), answer, skip what they are told to skip, start late, die at any
 * moment, time out and retire; tasks and map calls are cancelled. Whatever the schedule, no job
 * is lost, none runs twice, every job and every map element is decided exactly once, the job a
 * worker was running when it died is the one that fails, and no worker is given a job beyond its
 * window. A failure names the seed that reproduces it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DispatchScheduleTest {
    private static final int SCHEDULES = 400;

    /** What the schedules of one test made happen, so that a test that exercises nothing fails. */
    private static final class Seen {
        int reclaimed;
        int deaths;
        int cancels;
        int timeouts;
        int retired;
    }

    @Test
    void generatedSchedules_loseNoJob_runNoneTwice_andRespectWindows() {
        long base = new Random().nextLong();
        Seen seen = new Seen();
        for (int i = 0; i < SCHEDULES; i++) {
            long seed = base + i;
            try {
                new Schedule(seed, seen).run();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("schedule with seed " + seed + "L failed: " + e.getMessage(), e);
            }
        }
        assertTrue(seen.reclaimed > 0 && seen.deaths > 0 && seen.cancels > 0 && seen.timeouts > 0 && seen.retired > 0,
                "the schedules took back " + seen.reclaimed + " jobs, saw " + seen.deaths + " deaths, "
                        + seen.cancels + " cancels, " + seen.timeouts + " timeouts and " + seen.retired + " retirements");
    }

    @Test
    void aFewSchedulesWithFixedSeeds() {
        for (long seed : new long[] {1, 2, 3, 42, 4242, -7}) {
            new Schedule(seed, new Seen()).run();
        }
    }

    /** One generated schedule: a pool's parts, simulated workers, and a clock. */
    private static final class Schedule implements Actions, Outcomes {
        private final Random rnd;
        private final Seen seen;
        private long now = 1_000_000_000L;
        private final int size;
        /** Percent of events that bring tasks. */
        private final int arrivals;
        /** One job in this many is long. */
        private final int longJobs;
        /** Nothing arrives for a while. */
        private boolean quiet;
        private final Dispatch dispatch;
        private final Cancels cancels;
        private final Deadlines deadlines;
        private final List<Sim> sims = new ArrayList<>();
        private final Map<Worker, Sim> simOf = new IdentityHashMap<>();
        private final PriorityQueue<Timed> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        private final List<TaskUnit> tasks = new ArrayList<>();
        private final List<MapCall> calls = new ArrayList<>();
        /** How many times each job was decided, and run. */
        private final Map<Unit, Integer> decided = new IdentityHashMap<>();
        private final Map<Unit, Integer> runs = new IdentityHashMap<>();
        /** The elements of each map call decided, and those failed without being handed out. */
        private final Map<MapCall, int[]> elementDecisions = new IdentityHashMap<>();
        /** What each death's failure was given to. */
        private final Map<Throwable, List<Unit>> deathFailures = new IdentityHashMap<>();
        private int workerCount;
        private int functionIds;

        Schedule(long seed, Seen seen) {
            this.seen = seen;
            rnd = new Random(seed);
            size = 1 + rnd.nextInt(4);
            arrivals = 1 + rnd.nextInt(11);
            longJobs = 2 + rnd.nextInt(20);
            int maxTasks = rnd.nextInt(3) == 0 ? 2 + rnd.nextInt(40) : 0;
            Duration timeout = rnd.nextInt(3) == 0 ? Duration.ofNanos(3_000_000 + rnd.nextInt(20_000_000)) : null;
            dispatch = new Dispatch(maxTasks, () -> now, this);
            cancels = new Cancels(dispatch, this);
            deadlines = new Deadlines(timeout, "pool", dispatch, this,
                    (nanos, event) -> timers.add(new Timed(now + nanos, event)), () -> now);
        }

        void run() {
            for (int i = 0; i < size; i++) {
                join();
            }
            int steps = 200 + rnd.nextInt(600);
            for (int step = 0; step < steps; step++) {
                if (step % 100 == 0) {
                    quiet = rnd.nextInt(3) == 0; // a while with nothing new: the workers drain what they hold
                }
                act(true);
            }
            for (int step = 0; !allDecided(); step++) {
                if (step > 1_000_000) {
                    Assertions.fail("jobs left undecided: " + undecided());
                }
                act(false);
            }
            check();
        }

        /** One random event; with {@code disorder}, arrivals, deaths and cancels too. */
        private void act(boolean disorder) {
            int r = rnd.nextInt(100);
            if (disorder && !quiet && r < arrivals) {
                int burst = rnd.nextInt(8) == 0 ? 5 + rnd.nextInt(30) : 1;
                for (int i = 0; i < burst; i++) {
                    submitTask();
                }
            } else if (disorder && r < 13) {
                submitMap();
            } else if (disorder && r < 15) {
                cancelTask();
            } else if (disorder && r < 16) {
                cancelMap();
            } else if (disorder && r < 17) {
                crash();
            } else if (r < 30) {
                now += rnd.nextInt(3) == 0 ? rnd.nextInt(disorder ? 6_000_000 : 500_000) : rnd.nextInt(50_000);
                fireTimers();
            } else if (r < 35) {
                staff();
            } else if (!sims.isEmpty()) {
                Sim s = sims.get(rnd.nextInt(sims.size()));
                if (rnd.nextBoolean()) {
                    s.step(disorder);
                } else {
                    read(s);
                }
            }
        }

        // ---------------------------------------------------------------- the pool's side

        /** One turn under the pool's lock, ending as every turn does: a dispatch, then the deliveries. */
        private void turn(Consumer<Batch> action) {
            Batch batch = new Batch(this);
            action.accept(batch);
            Map<Worker, int[]> before = new IdentityHashMap<>();
            for (Worker w : dispatch.workers()) {
                before.put(w, new int[] {w.given(), w.intake() == Worker.Intake.OPEN && !w.isDying() ? 1 : 0});
            }
            dispatch.dispatch(batch);
            for (Worker w : dispatch.workers()) {
                int[] b = before.get(w);
                if (b != null && w.given() > b[0]) {
                    assertEquals(1, b[1], w + " was given a job while " + w.phase() + "/" + w.intake());
                    assertTrue(w.inHand() <= w.window(), w + " holds " + w.inHand() + " jobs, its window is "
                            + w.window());
                }
                assertTrue(w.window() >= 1 && w.window() <= Worker.MAX_WINDOW, "window " + w.window());
                for (Unit u : w.hand()) {
                    assertTrue(u.worker == w, "a job in the hand of " + w + " names " + u.worker);
                }
            }
            batch.deliver();
        }

        private void submitTask() {
            TaskUnit t = new TaskUnit(new byte[] {(byte) tasks.size()}, null, "task " + tasks.size(), null, false, null);
            tasks.add(t);
            turn(b -> dispatch.queue().add(t));
        }

        private void submitMap() {
            int n = 1 + rnd.nextInt(60);
            int[] offsets = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                offsets[i] = 4 * i;
            }
            int chunk = rnd.nextBoolean() ? 0 : 2 + rnd.nextInt(5);
            MapCall call = new MapCall(++functionIds, new byte[] {1, 2, 3}, null, new byte[4 * n], offsets, chunk,
                    rnd.nextBoolean());
            call.onDone(() -> timers.add(new Timed(now, b -> dispatch.forget(call, b))));
            calls.add(call);
            elementDecisions.put(call, new int[n]);
            turn(b -> dispatch.queue().add(call));
        }

        private void cancelTask() {
            if (tasks.isEmpty()) {
                return;
            }
            TaskUnit t = tasks.get(rnd.nextInt(tasks.size()));
            boolean interrupt = rnd.nextBoolean();
            Sim holder = t.worker == null ? null : simOf.get(t.worker);
            // The pool knows the job runs when every answer before it was read: then cancel(false) refuses.
            boolean knownRunning = holder != null && holder.running == t && holder.answers.isEmpty();
            boolean[] cancelled = {false};
            turn(b -> cancelled[0] = cancels.cancel(t, interrupt, b));
            assertTrue(!(knownRunning && !interrupt && cancelled[0]), "cancel(false) of a running task said it will not run");
            if (cancelled[0]) {
                seen.cancels++;
                decide(t);
            }
        }

        private void cancelMap() {
            if (calls.isEmpty()) {
                return;
            }
            MapCall call = calls.get(rnd.nextInt(calls.size()));
            int[] counts = elementDecisions.get(call);
            if (!call.cancelled) {
                for (int i = call.next; i < call.size; i++) {
                    counts[i]++; // never handed out: failed as the call is cancelled
                }
            }
            turn(b -> cancels.cancel(call, b));
        }

        /** A worker dies at once, whatever it does. */
        private void crash() {
            if (!sims.isEmpty()) {
                die(sims.get(rnd.nextInt(sims.size())));
            }
        }

        /** Reads what {@code s} answered. */
        private void read(Sim s) {
            if (!dispatch.contains(s.w) || s.answers.isEmpty()) {
                return;
            }
            List<Protocol.Frame> frames = new ArrayList<>(s.answers);
            s.answers.clear();
            turn(b -> Answers.take(s.w, frames, null, now, dispatch.queue(), b, this));
        }

        /** {@code s}'s process ended: what it wrote is read, then its jobs are decided. */
        private void die(Sim s) {
            seen.deaths++;
            s.dead = true;
            sims.remove(s);
            read(s);
            turn(b -> s.w.died());
            Throwable died = new RuntimeException("died: " + s.w);
            Unit running = s.running;
            turn(b -> dispatch.remove(s.w, died, b));
            List<Unit> failed = deathFailures.getOrDefault(died, List.of());
            assertTrue(failed.size() <= 1, "a death failed " + failed.size() + " jobs");
            if (running != null && !failed.isEmpty()) {
                assertTrue(failed.getFirst() == running, "a death failed a job the worker was not running");
            }
            if (running != null && failed.isEmpty()) {
                assertTrue(decided.containsKey(running), "the job a worker ran when it died was neither failed"
                        + " nor decided before");
            }
        }

        /** Keeps the pool at its size, as the pool's lifecycle does. */
        private void staff() {
            int counting = 0;
            for (Worker w : dispatch.workers()) {
                if (w.counts()) {
                    counting++;
                }
            }
            if (counting < size) {
                join();
            }
        }

        private void join() {
            Worker w = new Worker("w" + (++workerCount), 1000 + workerCount, 0, new Outbox(null));
            Sim s = new Sim(w);
            sims.add(s);
            simOf.put(w, s);
            turn(b -> dispatch.add(w));
        }

        private void fireTimers() {
            while (!timers.isEmpty() && timers.peek().at - now <= 0) {
                Timed t = timers.poll();
                turn(t.event);
            }
        }

        // ---------------------------------------------------------------- Actions

        @Override
        public void kill(Worker w, Unit reason) {
            if (w.kill(reason)) {
                simOf.get(w).killed = true; // dies a little later: an answer may come first
            }
        }

        @Override
        public void corrupt(Worker w, String why) {
            Assertions.fail("a simulated worker's answers were taken for a corrupted channel: " + why);
        }

        @Override
        public void headStarted(Worker w) {
            deadlines.started(w);
        }

        @Override
        public void retired(Worker w) {
            seen.retired++; // staff() starts its replacement
        }

        @Override
        public void ready(Worker w) {
            // nothing to count
        }

        @Override
        public void initFailed(Worker w, byte[] payload, Batch batch) {
            Assertions.fail("no initializer here");
        }

        @Override
        public void recheckIn(long nanos) {
            timers.add(new Timed(now + nanos, b -> dispatch.rechecked()));
        }

        // ---------------------------------------------------------------- Outcomes

        @Override
        public void answer(Unit unit, Worker worker, Protocol.Frame answer) {
            Sim s = simOf.get(worker);
            assertTrue(s.ran.get(answer.seq()) == unit, "an answer of " + worker + " for job " + answer.seq()
                    + " was taken for another job");
            decide(unit);
        }

        @Override
        public void fail(Unit unit, Throwable failure) {
            if (failure instanceof dev.multiproc.TaskTimeoutException) {
                seen.timeouts++;
            }
            deathFailures.computeIfAbsent(failure, f -> new ArrayList<>()).add(unit);
            decide(unit);
        }

        @Override
        public void cancel(Unit unit) {
            decide(unit);
        }

        private void decide(Unit unit) {
            assertTrue(unit.isSettled(), "a job delivered unsettled");
            int n = decided.merge(unit, 1, Integer::sum);
            assertEquals(1, n, "a job decided " + n + " times");
            if (unit instanceof MapUnit m) {
                int[] counts = elementDecisions.get(m.call);
                for (int i = m.from; i < m.from + m.count; i++) {
                    counts[i]++;
                    m.call.set(i, null); // as a delivery does: the call's last element makes it forget its function
                }
            }
        }

        // ---------------------------------------------------------------- the end

        private boolean allDecided() {
            for (TaskUnit t : tasks) {
                if (!t.isSettled()) {
                    return false;
                }
            }
            for (MapCall call : calls) {
                for (int c : elementDecisions.get(call)) {
                    if (c == 0) {
                        return false;
                    }
                }
            }
            return true;
        }

        private String undecided() {
            StringBuilder sb = new StringBuilder();
            for (TaskUnit t : tasks) {
                if (!t.isSettled()) {
                    sb.append(t.original).append(" (worker ").append(t.worker).append(") ");
                }
            }
            for (Worker w : dispatch.workers()) {
                Sim sim = simOf.get(w);
                sb.append("; ").append(w).append(' ').append(w.phase()).append('/').append(w.intake())
                        .append(" holds ").append(w.inHand()).append(" sim killed=").append(sim.killed)
                        .append(" dead=").append(sim.dead).append(" ready=").append(sim.readySent)
                        .append(" running=").append(sim.running != null).append(" pending=").append(sim.pending.size())
                        .append(" answers=").append(sim.answers.size()).append(" ran=").append(sim.ran.keySet())
                        .append(" window=").append(w.window());
                for (Unit u : w.hand()) {
                    sb.append(" [seq ").append(u.seq).append(u.isSettled() ? " settled" : "").append(u.reclaiming ? " reclaiming" : "").append(']');
                }
            }
            return sb.append("; queue ").append(dispatch.queue().size()).toString();
        }

        private void check() {
            for (TaskUnit t : tasks) {
                assertEquals(1, decided.getOrDefault(t, 0), t.original + " decided");
            }
            for (MapCall call : calls) {
                int[] counts = elementDecisions.get(call);
                for (int i = 0; i < counts.length; i++) {
                    assertEquals(1, counts[i], "element " + i + " of a map call decided");
                }
            }
            for (Map.Entry<Unit, Integer> e : runs.entrySet()) {
                assertEquals(1, e.getValue(), "a job ran " + e.getValue() + " times");
            }
        }

        /** A worker as {@code WorkerLoop} behaves: jobs in order, each answered before the next starts. */
        private final class Sim {
            final Worker w;
            final FrameBuffer in = new FrameBuffer(1 << 12, Integer.MAX_VALUE, 0, Protocol.CALL, Protocol.APPLY,
                    Protocol.CHUNK, Protocol.DEFINE, Protocol.FORGET, Protocol.SKIP);
            final ArrayDeque<Protocol.Frame> pending = new ArrayDeque<>();
            final List<Protocol.Frame> answers = new ArrayList<>();
            final Map<Integer, Unit> ran = new HashMap<>();
            final BitSet functions = new BitSet();
            boolean readySent;
            boolean killed;
            boolean dead;
            Unit running;
            int runningSeq;
            byte runningType;
            long doneAt;

            Sim(Worker w) {
                this.w = w;
            }

            void step(boolean disorder) {
                if (dead) {
                    return;
                }
                if (killed && rnd.nextInt(3) == 0) {
                    die(this);
                    return;
                }
                if (!readySent) {
                    if (rnd.nextInt(4) == 0) {
                        answers.add(new Protocol.Frame(Protocol.READY, Protocol.NO_JOB, new byte[0]));
                        readySent = true;
                    }
                    return;
                }
                receive();
                if (running != null) {
                    if (now - doneAt >= 0) {
                        byte type = runningType == Protocol.CHUNK ? Protocol.CHUNK_RESULT
                                : rnd.nextInt(8) == 0 ? Protocol.FAILURE : Protocol.RESULT;
                        answers.add(new Protocol.Frame(type, runningSeq, new byte[0]));
                        running = null;
                    }
                    return;
                }
                Protocol.Frame next = pending.poll();
                if (next == null) {
                    if (w.isInputClosed() && w.outbox.backlog() == 0) {
                        die(this); // end of file: it exits with 0
                    }
                    return;
                }
                Unit unit = null;
                for (Unit u : w.hand()) {
                    if (u.seq == next.seq()) {
                        unit = u;
                    }
                }
                assertTrue(unit != null, w + " started job " + next.seq() + ", which is in no hand");
                if (next.type() != Protocol.CALL) {
                    // A cancelled map call's job may find its function forgotten (the worker answers a
                    // failure nobody reads); a job still wanted never may.
                    int fn = intOf(next.payload());
                    assertTrue(functions.get(fn) || unit.isSettled(), w + " was sent a job of function " + fn
                            + " it does not have");
                }
                runs.merge(unit, 1, Integer::sum);
                ran.put(next.seq(), unit);
                running = unit;
                runningSeq = next.seq();
                runningType = next.type();
                long length = rnd.nextInt(longJobs) == 0 ? rnd.nextInt(12_000_000) : rnd.nextInt(20_000);
                doneAt = now + length;
            }

            /** Reads what was sent, as the worker reads its pipe: SKIPs act at once. */
            void receive() {
                byte[] bytes;
                synchronized (w.outbox) {
                    WireBuffer out = w.outbox.buffer();
                    bytes = java.util.Arrays.copyOf(out.array(), out.length());
                    out.clear();
                }
                int at = 0;
                while (at < bytes.length) {
                    int n = Math.min(in.room(), bytes.length - at);
                    System.arraycopy(bytes, at, in.array(), in.end(), n);
                    in.filled(n);
                    at += n;
                    parse();
                }
            }

            private void parse() {
                try {
                    Protocol.Frame f;
                    while ((f = in.next(Integer.MAX_VALUE)) != null) {
                        switch (f.type()) {
                            case Protocol.DEFINE -> functions.set(intOf(f.payload()));
                            case Protocol.FORGET -> functions.clear(intOf(f.payload()));
                            case Protocol.SKIP -> skip(intOf(f.payload()));
                            default -> pending.add(f);
                        }
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }

            private void skip(int seq) {
                for (var it = pending.iterator(); it.hasNext(); ) {
                    if (it.next().seq() == seq) {
                        it.remove();
                        answers.add(new Protocol.Frame(Protocol.SKIPPED, seq, new byte[0]));
                        for (Unit u : w.hand()) {
                            if (u.seq == seq && u.reclaiming) {
                                seen.reclaimed++;
                            }
                        }
                        return;
                    }
                }
            }
        }

        private static int intOf(byte[] payload) {
            try {
                return new WireReader(payload).getInt();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        private record Timed(long at, Consumer<Batch> event) {}
    }
}
