package dev.multiproc.cli.lab;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessLock;
import java.time.Duration;

/** A lock whose holder is SIGKILLed: Python's stays held for ever; multiproc's goes to the next locker. */
final class LockHolderKilled extends Row {
    private static final String PYTHON = """
            import multiprocessing as mp, os, signal, time
            def hold(lock, ready):
                lock.acquire(); ready.set(); time.sleep(600)
            if __name__ == "__main__":
                lock, ready = mp.Lock(), mp.Event()
                p = mp.Process(target=hold, args=(lock, ready)); p.start()
                ready.wait(20)
                os.kill(p.pid, signal.SIGKILL); p.join()
                print("holder %d killed (%d), acquire(timeout=3): %s" % (p.pid, p.exitcode, lock.acquire(timeout=3)))
            """;

    LockHolderKilled() {
        super("a lock whose holder is SIGKILLed",
                "multiprocessing.Lock stays held for ever: acquire(timeout=3) is False, again and again"
                        + " (cpython #88304)",
                "ProcessLock: the next locker gets it and is told the owner died (ownerDied()), as soon as"
                        + " the death is seen");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        String python = lab.hasPython() ? lab.python(PYTHON) : "python3 not on PATH";
        boolean pythonStuck = !lab.hasPython() || python.endsWith("False");
        try (ProcessLock lock = ProcessLock.create()) {
            JvmProcess<Void> holder = JvmProcess.start(() -> {
                lock.lock();
                Thread.sleep(600_000);
                return null;
            });
            lab.cleanUpLater(holder.pid());
            long deadline = System.nanoTime() + LabContext.PATIENCE.toNanos();
            while (!lock.isLocked() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            holder.kill();
            long t = System.nanoTime();
            boolean got = lock.tryLock(Duration.ofSeconds(30));
            double millis = LabContext.millisSince(t);
            boolean died = got && lock.ownerDied();
            if (got) {
                lock.unlock();
            }
            return Outcome.of(pythonStuck && got && died,
                    "Python: %s. multiproc: holder %d %s, the next tryLock got it: %s after %.1f ms, ownerDied: %s",
                    python, holder.pid(), holder.join(), got, millis, died);
        }
    }
}
