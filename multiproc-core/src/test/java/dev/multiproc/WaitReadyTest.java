package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One wait over connections and processes returns the ready ones, never misses a wake-up, never needs a thread. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WaitReadyTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void theConnectionWithAMessage_isTheOneReturned() throws Exception {
        List<Pipe<String>> pipes = List.of(Pipe.open(), Pipe.open(), Pipe.open());
        try {
            List<Connection<String>> ends = pipes.stream().map(Pipe::left).toList();
            assertEquals(List.of(), Multiproc.waitReady(ends, Duration.ofMillis(20)));
            Thread.ofVirtual().start(() -> sendQuietly(pipes.get(1).right(), "hi"));
            assertEquals(List.of(ends.get(1)), Multiproc.waitReady(ends, LONG));
            assertEquals("hi", ends.get(1).recv());
            pipes.get(0).right().send("a");
            pipes.get(2).right().send("c");
            assertEquals(List.of(ends.get(0), ends.get(2)), Multiproc.waitReady(ends, LONG));
        } finally {
            pipes.forEach(Pipe::close);
        }
    }

    @Test
    void processesAndConnections_inOneWait() throws Exception {
        try (Pipe<String> pipe = Pipe.open()) {
            Subprocess sleeper = Command.of("sleep", "0.2").start();
            List<Waitable> all = List.of(pipe.left(), sleeper);
            assertEquals(List.of(sleeper), Multiproc.waitReady(all, LONG));
            JvmProcess<Integer> jvm = JvmProcess.start(() -> 7);
            assertEquals(List.of(jvm), Multiproc.waitReady(List.of(pipe.left(), jvm), LONG));
            assertTrue(jvm.exitStatus().isPresent());
        }
    }

    @Test
    void anEndClosedHere_orAtTheOtherEnd_isReady_soThatItsNextCallSaysSo() throws Exception {
        Pipe<String> a = Pipe.open();
        Pipe<String> b = Pipe.open();
        a.left().close();
        assertEquals(List.of(a.left()), Multiproc.waitReady(List.of(a.left(), b.left()), LONG));
        b.right().close();
        assertEquals(List.of(b.left()), Multiproc.waitReady(List.of(b.left()), LONG));
        assertThrows(ConnectionClosedException.class, () -> b.left().recv());
        a.close();
        b.close();
    }

    @Test
    void nothingToWaitFor_sleepsForTheTimeout() throws Exception {
        assertEquals(List.of(), Multiproc.waitReady(List.<Waitable>of(), Duration.ofMillis(10)));
    }

    @Test
    void badInput_isRefusedNamingIt() throws Exception {
        try (Pipe<String> oneWay = Pipe.openOneWay()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Multiproc.waitReady(List.of(oneWay.right()), LONG));
            assertTrue(e.getMessage().contains("sending end"), e.getMessage());
            JvmProcess<Integer> notStarted = JvmProcess.of(() -> 1);
            assertThrows(IllegalStateException.class, () -> Multiproc.waitReady(List.of(notStarted), LONG));
            List<Waitable> withNull = new ArrayList<>();
            withNull.add(null);
            assertThrows(NullPointerException.class, () -> Multiproc.waitReady(withNull, LONG));
            assertThrows(NullPointerException.class, () -> Multiproc.waitReady(List.of(oneWay.left()), null));
        }
    }

    @Test
    void aMessageSentAtAnyMoment_isNeverMissed() throws Exception {
        try (Pipe<Integer> pipe = Pipe.open()) {
            Connection<Integer> here = pipe.left();
            for (int i = 0; i < 500; i++) {
                int delayNanos = ThreadLocalRandom.current().nextInt(0, 200_000);
                int n = i;
                Thread sender = Thread.ofPlatform().start(() -> {
                    LockSupport.parkNanos(delayNanos);
                    sendQuietly(pipe.right(), n);
                });
                assertEquals(List.of(here), Multiproc.waitReady(List.of(here), LONG), "round " + i);
                assertEquals(n, here.recv());
                sender.join();
            }
        }
    }

    @Test
    void manyVirtualThreadsWaiting_holdNoCarrier() throws Exception {
        int n = 200; // far more than the carriers of two CPUs
        List<Pipe<String>> pipes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pipes.add(Pipe.open());
        }
        try {
            CountDownLatch woken = new CountDownLatch(n);
            CountDownLatch waiting = new CountDownLatch(n);
            for (Pipe<String> p : pipes) {
                Thread.ofVirtual().start(() -> {
                    try {
                        waiting.countDown();
                        if (Multiproc.waitReady(List.of(p.left()), LONG).size() == 1) {
                            woken.countDown();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            waiting.await();
            for (Pipe<String> p : pipes) {
                p.right().send("go");
            }
            assertTrue(woken.await(60, TimeUnit.SECONDS), woken.getCount() + " waiters never woke");
        } finally {
            pipes.forEach(Pipe::close);
        }
    }

    private static <T> void sendQuietly(Connection<T> c, T m) {
        try {
            c.send(m);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
