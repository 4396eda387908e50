package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.multiproc.testing.Procs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A producer SIGKILLed in the middle of a put of 8 MiB, with two other producers live: every
 * committed message arrives exactly once and whole, the half-written one is discarded and counted,
 * and the other producers and the consumer never hang.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QueueProducerKilledTest {
    static final int BIG = 8 << 20;
    static final int SMALL_COUNT = 300;

    /** A message: producer, sequence number, then bytes that depend on both, and the sequence number again at the end. */
    static byte[] message(int producer, int seq, int length) {
        byte[] m = new byte[length];
        fill(m, producer, seq);
        return m;
    }

    static void fill(byte[] m, int producer, int seq) {
        ByteBuffer b = ByteBuffer.wrap(m);
        b.put(0, (byte) producer).putInt(1, seq).putInt(m.length - 4, seq);
        for (int i = 5; i < m.length - 4; i++) {
            m[i] = (byte) (i * 7 + producer);
        }
    }

    /** Checks a message whole; returns producer << 24 | seq. */
    static int check(byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m);
        int producer = b.get(0);
        int seq = b.getInt(1);
        if (b.getInt(m.length - 4) != seq) {
            fail("message " + producer + "/" + seq + " is torn: it ends with " + b.getInt(m.length - 4));
        }
        for (int i = 5; i < m.length - 4; i++) {
            if (m[i] != (byte) (i * 7 + producer)) {
                fail("message " + producer + "/" + seq + " is corrupted at byte " + i);
            }
        }
        return producer << 24 | seq;
    }

    static int smallLength(int producer, int seq) {
        return 16 + (seq * 7919 + producer * 104_729) % 200_000;
    }

    @Test
    void aProducerKilledMidPutOf8MiB_everyCommittedMessageOnce_othersGoOn() throws Exception {
        boolean killedMidPut = false;
        for (int round = 0; round < 2; round++) {
            killedMidPut |= round(round);
        }
        assertTrue(killedMidPut, "the producer was never caught in the middle of a put");
    }

    private boolean round(int round) throws Exception {
        try (ProcessQueue<byte[]> q = ProcessQueue.create(64, BIG + 64)) {
            JvmProcess<Void> big = JvmProcess.builder().daemon(true).start(() -> {
                byte[] m = message(1, 0, BIG);
                for (int seq = 0; ; seq++) {
                    ByteBuffer.wrap(m).putInt(1, seq).putInt(m.length - 4, seq);
                    q.put(m);
                }
            });
            List<JvmProcess<Integer>> small = new ArrayList<>();
            for (int producer = 2; producer <= 3; producer++) {
                int p = producer;
                small.add(JvmProcess.start(() -> {
                    for (int seq = 0; seq < SMALL_COUNT; seq++) {
                        q.put(message(p, seq, smallLength(p, seq)));
                    }
                    return SMALL_COUNT;
                }));
            }
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            AtomicReference<Throwable> trouble = new AtomicReference<>();
            CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
                try {
                    int smallSeen = 0;
                    while (smallSeen < 2 * SMALL_COUNT) {
                        // a timed take, which must come back in time whatever the producers do
                        byte[] m = q.poll(Duration.ofMillis(200)).orElse(null);
                        if (m == null) {
                            continue;
                        }
                        int id = check(m);
                        if (seen.put(id, true) != null) {
                            fail("message " + (id >>> 24) + "/" + (id & 0xffffff) + " arrived twice");
                        }
                        if (id >>> 24 != 1) {
                            smallSeen++;
                        }
                    }
                } catch (Throwable t) {
                    trouble.set(t);
                }
            }, Thread::startVirtualThread);

            // three JVMs start first: on a loaded machine that alone can take most of Procs.PATIENCE
            assertTrue(Procs.poll(Duration.ofSeconds(90), () -> seen.keySet().stream().filter(id -> id >>> 24 == 1).count() >= 2),
                    () -> "not within 90 s: a few 8 MiB messages went through (seen " + seen.size() + ", in the queue "
                            + q.size() + ", being put " + java.util.Arrays.toString(q.beingPut()) + ", consumer trouble "
                            + trouble.get() + ")");
            boolean caught = false;
            for (int attempt = 0; attempt < 400 && !caught; attempt++) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(0, 4));
                big.signal(Signal.SIGSTOP);
                Procs.await("the producer stopped", () -> Procs.status(big.pid(), "State").startsWith("T"));
                caught = IntStream.of(q.beingPut()).anyMatch(n -> n >= BIG);
                if (!caught) {
                    big.signal(Signal.SIGCONT);
                }
            }
            big.kill();
            big.join();
            for (JvmProcess<Integer> p : small) {
                assertEquals(SMALL_COUNT, p.result(), "a live producer finished");
            }
            consumer.get(120, TimeUnit.SECONDS);
            if (trouble.get() != null) {
                throw new AssertionError("round " + round, trouble.get());
            }
            if (caught) {
                Procs.await("the half-written message is discarded and counted", () -> q.discarded() == 1);
            }
            // what is left: committed messages of the killed producer, each once, nothing of the discarded one
            for (byte[] m = q.poll(Duration.ofMillis(100)).orElse(null); m != null; m = q.poll(Duration.ofMillis(100)).orElse(null)) {
                assertEquals(null, seen.put(check(m), true), "a message arrived twice");
            }
            int[] bigSeqs = seen.keySet().stream().filter(id -> id >>> 24 == 1).mapToInt(id -> id & 0xffffff).sorted().toArray();
            for (int i = 0; i < bigSeqs.length; i++) {
                assertEquals(i, bigSeqs[i], "the killed producer's committed messages arrive, without a gap");
            }
            assertEquals(caught ? 1 : 0, q.discarded());
            assertEquals(0, q.beingPut().length);
            return caught;
        }
    }
}
