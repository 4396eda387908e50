package org.example.hello;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessPool;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

/** Runs a command, a task in a child JVM and tasks in a pool, and prints what each gave. */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) throws Exception {
        System.out.println("main: pid " + ProcessHandle.current().pid());
        String echoed = Command.of("echo", "hello from a command").timeout(Duration.ofSeconds(30))
                .run().check().stdoutText().strip();
        System.out.println("command: " + echoed);
        JvmProcess<String> child = JvmProcess.start(
                () -> LongStream.rangeClosed(1, 1000).sum() + " from pid " + ProcessHandle.current().pid());
        System.out.println("jvm: " + child.result());
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            System.out.println("pool: " + pool.submit(() -> "42 from pid " + ProcessHandle.current().pid()).join());
            System.out.println("map: " + pool.map(x -> x * x, List.of(1, 2, 3, 4)));
        }
    }
}
