package dev.multiproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A queue captured by tasks is the same queue in their child JVMs: put and take on both sides, join across them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessQueueAcrossJvmTest {
    @Test
    void childrenProduce_thisJvmConsumes() throws Exception {
        try (ProcessQueue<String> q = ProcessQueue.create(50)) {
            List<JvmProcess<Void>> producers = List.of(producer(q, "a"), producer(q, "b"));
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 2 * 500; i++) {
                assertTrue(got.add(q.take()));
            }
            for (JvmProcess<Void> p : producers) {
                assertEquals(ExitStatus.exited(0), p.join());
            }
            assertEquals(1000, got.size());
            assertEquals(0, q.size());
        }
    }

    private static JvmProcess<Void> producer(ProcessQueue<String> q, String name) {
        return JvmProcess.start(() -> {
            for (int i = 0; i < 500; i++) {
                q.put(name + i);
            }
            return null;
        });
    }

    @Test
    void thisJvmProduces_aChildConsumesAndMarksDone_joinReturns() throws Exception {
        try (ProcessQueue<Integer> q = ProcessQueue.create(10)) {
            JvmProcess<Long> consumer = JvmProcess.builder().daemon(true).start(() -> {
                long sum = 0;
                while (true) {
                    int n = q.take();
                    if (n < 0) {
                        q.taskDone();
                        return sum;
                    }
                    sum += n;
                    q.taskDone();
                }
            });
            for (int i = 1; i <= 1000; i++) {
                q.put(i);
            }
            q.put(-1);
            q.join();
            assertEquals(500_500L, consumer.result());
        }
    }

    @Test
    void aConsumerThatEndsWithMessagesNotDone_makesJoinThrow() throws Exception {
        try (ProcessQueue<Integer> q = ProcessQueue.create(10)) {
            q.put(1);
            q.put(2);
            JvmProcess<Integer> consumer = JvmProcess.start(() -> q.take() + q.take()); // never marks them done
            assertEquals(3, consumer.result());
            ConsumerDiedException e = assertThrows(ConsumerDiedException.class, q::join);
            assertEquals(consumer.pid(), e.pid(), e.getMessage());
            assertEquals(2, e.lostTasks());
        }
    }

    @Test
    void aQueueFedByAChild_isReadyForWaitReady() throws Exception {
        try (ProcessQueue<String> q = ProcessQueue.create(10)) {
            JvmProcess<Void> child = JvmProcess.start(() -> {
                Thread.sleep(200);
                q.put("from the child");
                return null;
            });
            assertEquals(List.of(q), Multiproc.waitReady(List.of(q), Duration.ofSeconds(60)));
            assertEquals("from the child", q.take());
            child.join();
        }
    }

    @Test
    void closingInAChild_isTheChildsOwn() throws Exception {
        ProcessQueue<String> q = ProcessQueue.create(10);
        try {
            JvmProcess<String> child = JvmProcess.start(() -> {
                q.put("before");
                q.close();
                try {
                    q.put("after");
                    return "put after close";
                } catch (ObjectClosedException e) {
                    return "refused";
                }
            });
            assertEquals("refused", child.result());
            assertEquals("before", q.take());
            q.put("still open here");
            assertEquals("still open here", q.take());
        } finally {
            q.close();
        }
    }
}
