package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessQueue;
import dev.multiproc.TimeoutExpiredException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A producer SIGKILLed in the middle of a put: Python's queue hangs its consumer; multiproc's
 * delivers every committed message once, discards the half-written one, and goes on.
 */
final class ProducerKilledMidPut extends Row {
    private static final int BIG = 32 << 20;
    private static final String PYTHON = """
            import multiprocessing as mp, os, signal, time
            def produce(q, started):
                for i in range(100): q.put(i)
                started.set()
                while True: q.put(b"x" * (8 << 20))
            if __name__ == "__main__":
                q, started = mp.Queue(), mp.Event()
                p = mp.Process(target=produce, args=(q, started)); p.start()
                started.wait(20)
                got = [q.get(timeout=5) for _ in range(100)]
                time.sleep(0.5)
                os.kill(p.pid, signal.SIGKILL); p.join()
                print("got %d, producer killed mid-put; get(timeout=3):" % len(got), flush=True)
                try:
                    q.get(timeout=3); print("returned")
                except Exception as e:
                    print("raised " + type(e).__name__)
            """;

    ProducerKilledMidPut() {
        super("a producer SIGKILLed in the middle of a put",
                "multiprocessing.Queue: the consumer's get(timeout=3) hangs for ever on the cut message"
                        + " (cpython #87971, #96062)",
                "ProcessQueue: every committed message once and whole, a record cut by the death discarded and"
                        + " counted, get(timeout) on time, other producers go on");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        String python = lab.hasPython() ? pythonSide() : "python3 not on PATH";
        boolean pythonHangs = !lab.hasPython() || python.contains("hung");
        try (ProcessQueue<Object> queue = ProcessQueue.create(64, BIG + 1024)) {
            JvmProcess<Void> producer = JvmProcess.start(() -> {
                for (int i = 0; i < 100; i++) {
                    queue.put(i);
                }
                byte[] big = new byte[BIG];
                for (int n = 0; ; n++) {
                    Arrays.fill(big, (byte) n);
                    queue.put(big);
                }
            });
            lab.cleanUpLater(producer.pid());
            boolean inOrder = true;
            for (int i = 0; i < 100; i++) {
                inOrder &= Integer.valueOf(i).equals(queue.take());
            }
            int whole = 0;
            int expected = 0;
            boolean big = true;
            while (whole < 3) {
                byte[] b = (byte[]) queue.take();
                big &= b.length == BIG && b[0] == (byte) expected && b[BIG - 1] == (byte) expected;
                expected++;
                whole++;
            }
            Thread.sleep(2); // the producer, given room by the last take, is copying its next record
            producer.kill();
            producer.join();
            for (Optional<Object> m = queue.poll(Duration.ofSeconds(3)); m.isPresent();
                    m = queue.poll(Duration.ofSeconds(3))) {
                byte[] b = (byte[]) m.get();
                big &= b.length == BIG && b[0] == (byte) expected && b[BIG - 1] == (byte) expected;
                expected++;
            }
            long t = System.nanoTime();
            boolean empty = queue.poll(Duration.ofMillis(300)).isEmpty();
            double pollMillis = LabContext.millisSince(t);
            JvmProcess<Void> second = JvmProcess.start(() -> {
                queue.put("after");
                return null;
            });
            boolean goesOn = "after".equals(queue.poll(LabContext.PATIENCE).orElse(null));
            second.join();
            return Outcome.of(pythonHangs && inOrder && big && empty && goesOn,
                    "Python: %s. multiproc: producer %d killed (%s) after 100 ints and %d records of 32 MiB: all"
                            + " received once, whole and in order: %s; half-written discarded: %d; poll(300 ms) on"
                            + " the empty queue returned after %.0f ms; a second producer's put arrived: %s",
                    python, producer.pid(), producer.join(), expected, inOrder && big, queue.discarded(),
                    pollMillis, goesOn);
        }
    }

    /** Runs Python's side with a deadline of its own: a hang is what it shows. */
    private static String pythonSide() throws Exception {
        try {
            String out = Command.of("python3", "-c", PYTHON).timeout(Duration.ofSeconds(10)).run().stdoutText();
            return out.strip().replace('\n', ' ');
        } catch (TimeoutExpiredException e) {
            return new String(e.stdout(), java.nio.charset.StandardCharsets.UTF_8).strip()
                    + " hung, not returned at the 10 s deadline, killed";
        }
    }
}
