package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imap}: inputs of any length read lazily under a bound, results in input order as soon
 * as each is ready, failures where their result would be, cancellation when the stream closes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessPoolImapTest {
    private static ProcessPool pool;

    @BeforeAll
    static void start() {
        pool = ProcessPool.builder().name("imap").workers(2).build();
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void results_comeInInputOrder_chunkedOrNot() {
        List<Integer> inputs = IntStream.range(0, 2_000).boxed().toList();
        List<Integer> expected = inputs.stream().map(x -> x * 3).toList();
        try (Stream<Integer> plain = pool.imap(x -> x * 3, inputs)) {
            assertEquals(expected, plain.toList());
        }
        try (Stream<Integer> chunked = pool.imap(x -> x * 3, inputs, 7, 50)) {
            assertEquals(expected, chunked.toList());
        }
        try (Stream<Integer> one = pool.imap(x -> x * 3, inputs.subList(0, 40), 1, 1)) {
            assertEquals(expected.subList(0, 40), one.toList());
        }
        try (Stream<Integer> none = pool.imap(x -> x * 3, List.<Integer>of())) {
            assertEquals(List.of(), none.toList());
        }
    }

    @Test
    void anEndlessInput_isReadNoFurtherThanTheBound() throws Exception {
        AtomicLong read = new AtomicLong();
        Iterable<Long> endless = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Long next() {
                return read.getAndIncrement();
            }
        };
        int buffersize = 64;
        try (Stream<Long> results = pool.imap(x -> x + 1, endless, 4, buffersize)) {
            Iterator<Long> it = results.iterator();
            for (long i = 0; i < 1_000; i++) {
                assertEquals(i + 1, it.next());
                assertTrue(read.get() <= i + 1 + buffersize, "read " + read.get() + " inputs to hand out " + (i + 1));
            }
        }
        long atClose = read.get();
        assertEquals(List.of(2, 3), pool.map(x -> x + 1, List.of(1, 2)), "the pool goes on after the close");
        assertEquals(atClose, read.get(), "nothing read after the close");
    }

    @Test
    void eachResult_comesAsSoonAsItAndThoseBeforeItAreReady(@TempDir Path dir) throws Exception {
        Path gate = dir.resolve("gate");
        String gatePath = gate.toString();
        List<Integer> inputs = IntStream.range(0, 16).boxed().toList();
        try (Stream<Integer> results = pool.imap(x -> x == 0 ? 0 : waitFor(gatePath, x), inputs, 1, 16)) {
            Iterator<Integer> it = results.iterator();
            assertEquals(0, it.next(), "the first result, while the others wait for it to be read");
            Files.writeString(gate, "open");
            for (int i = 1; i < 16; i++) {
                assertEquals(i, it.next());
            }
        }
    }

    @Test
    void aFailure_isThrownWhereItsResultWouldBe_andTheRestFollow() {
        List<Integer> inputs = IntStream.range(0, 20).boxed().toList();
        try (Stream<Integer> results = pool.imap(ProcessPoolImapTest::failOnFive, inputs, 1, 8)) {
            Iterator<Integer> it = results.iterator();
            for (int i = 0; i < 5; i++) {
                assertEquals(i, it.next());
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
            assertEquals("no five", e.getMessage());
            for (int i = 6; i < 20; i++) {
                assertEquals(i, it.next());
            }
        }
    }

    @Test
    void closingTheStream_cancelsWhatHasNotStarted(@TempDir Path dir) throws Exception {
        String marks = dir.toString();
        List<Integer> inputs = IntStream.range(0, 200).boxed().toList();
        try (Stream<Integer> results = pool.imap(x -> mark(marks, x), inputs, 1, 100)) {
            Iterator<Integer> it = results.iterator();
            assertEquals(0, it.next());
        }
        // a task after the close runs behind whatever still ran in each worker
        pool.map(x -> x, List.of(1, 2, 3, 4));
        long ran;
        try (Stream<Path> files = Files.list(dir)) {
            ran = files.count();
        }
        assertTrue(ran < 100, ran + " of the 100 inputs in flight ran after the close");
    }

    @Test
    void aStreamOfInputs_isClosedWithTheResults() {
        AtomicBoolean closed = new AtomicBoolean();
        Stream<Integer> inputs = Stream.iterate(0, x -> x + 1).onClose(() -> closed.set(true));
        try (Stream<Integer> results = pool.imap(x -> x * 2, inputs)) {
            assertEquals(List.of(0, 2, 4, 6), results.limit(4).toList());
        }
        assertTrue(closed.get());
    }

    @Test
    void anInterruptedReader_cancelsTheCall() throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flag = new AtomicBoolean();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Stream<Integer> s = pool.imap(ProcessPoolImapTest::sleepy, List.of(1, 2, 3, 4))) {
                    s.toList();
                } catch (Throwable t) {
                    thrown.set(t);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            reader.interrupt();
            reader.join(60_000);
            if (thrown.get() != null) {
                assertInstanceOf(CancellationException.class, thrown.get(), "round " + round);
                assertTrue(flag.get(), "round " + round + ": the interrupt is kept");
            }
        }
        assertEquals(List.of(1), pool.map(x -> x, List.of(1)));
    }

    @Test
    void badInput_isNamed() {
        IllegalArgumentException buffer = assertThrows(IllegalArgumentException.class,
                () -> pool.imap(x -> x, List.of(1), 1, 0));
        assertTrue(buffer.getMessage().contains("buffersize must be at least 1: 0"), buffer.getMessage());
        IllegalArgumentException chunk = assertThrows(IllegalArgumentException.class,
                () -> pool.imap(x -> x, List.of(1), 0, 10));
        assertTrue(chunk.getMessage().contains("chunkSize must be at least 1: 0"), chunk.getMessage());
        assertThrows(NullPointerException.class, () -> pool.imap(x -> x, (Iterable<Integer>) null));
        List<Object> inputs = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7));
        inputs.add(new Object());
        try (Stream<Object> results = pool.imap(x -> x, inputs)) {
            IllegalArgumentException element = assertThrows(IllegalArgumentException.class, results::toList);
            assertTrue(element.getMessage().contains("element 7"), element.getMessage());
            assertInstanceOf(NotSerializableException.class, rootCause(element), element.toString());
        }
        ProcessPool closed = ProcessPool.builder().workers(1).build();
        closed.close();
        assertThrows(RejectedExecutionException.class, () -> closed.imap(x -> x, List.of(1)));
    }

    private static int failOnFive(int x) {
        if (x == 5) {
            throw new IllegalStateException("no five");
        }
        return x;
    }

    private static int sleepy(int x) {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return x;
    }

    private static int waitFor(String gate, int x) {
        Path path = Path.of(gate);
        while (!Files.exists(path)) {
            sleepy(0);
        }
        return x;
    }

    private static int mark(String dir, int x) {
        try {
            Files.writeString(Path.of(dir, "ran-" + x), "");
            Thread.sleep(x == 0 ? 0 : 300);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return x;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
