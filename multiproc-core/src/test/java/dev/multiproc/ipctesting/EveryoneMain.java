package dev.multiproc.ipctesting;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessBarrier;
import dev.multiproc.ProcessEvent;
import dev.multiproc.ProcessLock;
import dev.multiproc.ProcessSemaphore;
import dev.multiproc.SharedLongArray;
import dev.multiproc.SharedMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent that makes one shared object of each kind, hands them to two child JVMs that hold
 * them (a lock taken, a permit taken, asleep on an event and a barrier), prints the inodes of
 * their memory files ({@code inode N}) and the children's pids ({@code child PID}), then
 * {@code ready}, and sleeps: for a test that SIGKILLs everyone.
 */
public final class EveryoneMain {
    private EveryoneMain() {}

    public static void main(String[] args) throws Exception {
        SharedMemory memory = SharedMemory.allocate(1 << 16);
        SharedLongArray counters = SharedLongArray.create(8);
        ProcessLock lock = ProcessLock.create();
        ProcessSemaphore semaphore = ProcessSemaphore.create(2);
        ProcessEvent event = ProcessEvent.create();
        ProcessBarrier barrier = ProcessBarrier.create(3);
        List<Object> all = List.of(memory, counters, lock, semaphore, event, barrier);
        List<JvmProcess<Void>> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int which = c;
            children.add(JvmProcess.start(() -> {
                memory.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 4L * which, 1);
                semaphore.acquire();
                if (which == 0) {
                    lock.lock();
                }
                counters.getAndAdd(which, 1);
                Thread.ofVirtual().start(() -> {
                    try {
                        barrier.await();
                    } catch (Exception e) {
                        // the end of everyone
                    }
                });
                event.await();
                return null;
            }));
        }
        while (counters.get(0) == 0 || counters.get(1) == 0) {
            Thread.sleep(5);
        }
        for (Object o : all) {
            String text = o.toString(); // Type@INODE[...]
            System.out.println("inode " + text.substring(text.indexOf('@') + 1).split("[^0-9]")[0]);
        }
        for (JvmProcess<Void> child : children) {
            System.out.println("child " + child.pid());
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
