package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * What 1,000 live children cost the parent: the platform threads the library adds and the
 * heap per child, for multiproc and for ProcessBuilder. A plain main (JMH measures time, not
 * this): {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.multiproc.bench.Footprint}.
 */
public final class Footprint {
    private static final int CHILDREN = 1000;

    private Footprint() {}

    public static void main(String[] args) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int threadsBefore = threads();
        long heapBefore = heapAfterGc(memory);
        List<Subprocess> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            children.add(Command.of("sleep", "3600").stdin(Redirect.DISCARD).stdout(Redirect.DISCARD)
                    .stderr(Redirect.DISCARD).start());
        }
        int threadsWith = threads();
        long heapWith = heapAfterGc(memory);
        for (Subprocess child : children) {
            child.kill();
        }
        for (Subprocess child : children) {
            child.waitFor();
        }
        System.out.printf("multiproc: %d live children: %d platform threads added, %.1f KiB heap per child%n",
                CHILDREN, threadsWith - threadsBefore, (heapWith - heapBefore) / 1024.0 / CHILDREN);

        int pbThreadsBefore = threads();
        long pbHeapBefore = heapAfterGc(memory);
        List<Process> processes = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder("sleep", "3600").redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        for (int i = 0; i < CHILDREN; i++) {
            processes.add(pb.start());
        }
        int pbThreads = threads();
        long pbHeap = heapAfterGc(memory);
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor();
        }
        System.out.printf("ProcessBuilder: %d live children: %d platform threads added, %.1f KiB heap per child%n",
                CHILDREN, pbThreads - pbThreadsBefore, (pbHeap - pbHeapBefore) / 1024.0 / CHILDREN);
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
