package contract;

import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessBarrier;
import dev.multiproc.ProcessCondition;
import dev.multiproc.ProcessEvent;
import dev.multiproc.ProcessLock;
import dev.multiproc.ProcessSemaphore;
import dev.multiproc.SharedDoubleArray;
import dev.multiproc.SharedIntArray;
import dev.multiproc.SharedLongArray;
import dev.multiproc.SharedMemory;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.Lock;

/** The fixed names of shared memory and of the locks between processes, used as a program outside the project would. */
public final class SharedMemoryAndLocksContract {
    private SharedMemoryAndLocksContract() {}

    static void sharedMemory() throws Exception {
        try (SharedMemory memory = SharedMemory.allocate(4096);
             SharedLongArray longs = SharedLongArray.create(4);
             SharedIntArray ints = SharedIntArray.create(4);
             SharedDoubleArray doubles = SharedDoubleArray.create(4)) {
            MemorySegment segment = memory.segment();
            longs.set(0, 1L);
            long l = longs.getAndAdd(0, 1L) + longs.get(0) + longs.getAcquire(0);
            boolean swapped = longs.compareAndSet(0, 2L, 3L);
            longs.setRelease(1, 4L);
            ints.set(0, 1);
            int i = ints.getAndAdd(0, 1) + ints.get(0) + ints.length();
            swapped &= ints.compareAndSet(0, 2, 3);
            doubles.set(0, 1.0);
            swapped &= doubles.compareAndSet(0, 1.0, 2.0);
            JvmProcess<Long> child = JvmProcess.start(() -> longs.getAndAdd(0, 1L));
            System.out.println(segment.byteSize() + " " + l + " " + i + " " + doubles.get(0) + swapped + child.result());
        }
    }

    static void locks() throws Exception {
        try (ProcessLock lock = ProcessLock.create(); ProcessLock reentrant = ProcessLock.reentrant();
             ProcessSemaphore semaphore = ProcessSemaphore.create(2);
             ProcessSemaphore bounded = ProcessSemaphore.bounded(2);
             ProcessEvent event = ProcessEvent.create(); ProcessBarrier barrier = ProcessBarrier.create(1)) {
            Lock asLock = lock;
            asLock.lock();
            try {
                System.out.println(lock.ownerDied());
            } finally {
                asLock.unlock();
            }
            ProcessCondition condition = reentrant.newCondition();
            reentrant.lock();
            try {
                condition.signalAll();
            } finally {
                reentrant.unlock();
            }
            semaphore.acquire();
            semaphore.release();
            bounded.acquire();
            bounded.release();
            event.set();
            event.clear();
            boolean set = event.isSet() || event.await(Duration.ofMillis(1));
            int arrival = barrier.await();
            System.out.println(set + " " + arrival);
        }
    }
}
