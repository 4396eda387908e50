package org.example.consumer;

import dev.multiproc.Command;
import dev.multiproc.JvmProcess;
import dev.multiproc.ProcessPool;
import dev.multiproc.Task;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command, a task in a child JVM and tasks in a pool, all from a module on the module
 * path, and prints where each ran: a task names the modules of its own class and of the
 * library as the JVM that ran it sees them, and that JVM's pid.
 */
public final class ModularConsumer {
    private ModularConsumer() {}

    /** A task of this module's own, a class rather than a lambda. */
    record WhereAmI() implements Task<String> {
        @Override
        public String call() {
            return where();
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("main: " + where());
        String echoed = Command.of("echo", "hello from a command").timeout(Duration.ofSeconds(30))
                .run().check().stdoutText().strip();
        System.out.println("command: " + echoed);
        JvmProcess<String> child = JvmProcess.start(() -> where());
        System.out.println("jvm: " + child.result());
        try (ProcessPool pool = ProcessPool.builder().workers(2).build()) {
            System.out.println("pool: " + pool.submit(new WhereAmI()).join());
            System.out.println("map: " + pool.map(x -> x * x, List.of(1, 2, 3, 4)));
        }
    }

    static String where() {
        return ModularConsumer.class.getModule().getName() + " " + Command.class.getModule().getName()
                + " " + ProcessHandle.current().pid();
    }
}
