package contract;

import dev.multiproc.ChildFailedException;
import dev.multiproc.ExitStatus;
import dev.multiproc.JvmProcess;
import dev.multiproc.Redirect;
import dev.multiproc.Signal;
import dev.multiproc.Task;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** The fixed names of child JVMs, used as a program outside the project would. */
public final class JvmProcessContract {
    private JvmProcessContract() {}

    static void jvmProcesses() throws Exception {
        Task<String> task = () -> "hello";
        Callable<String> asCallable = task;
        Serializable asSerializable = task;
        JvmProcess<String> p = JvmProcess.start(task);
        p = JvmProcess.builder()
                .name("worker")
                .daemon(true)
                .jvmOptions("-Xmx64m")
                .survivesParent(false)
                .stdout(Redirect.INHERIT)
                .stderr(Redirect.INHERIT)
                .start(task);
        long pid = p.pid();
        String name = p.name();
        boolean daemon = p.isDaemon();
        boolean alive = p.isAlive();
        ExitStatus status = p.join();
        boolean ended = p.join(Duration.ofSeconds(1));
        Optional<ExitStatus> maybe = p.exitStatus();
        p.terminate();
        p.kill();
        p.signal(Signal.SIGUSR1);
        CompletableFuture<ExitStatus> exit = p.onExit();
        try {
            String result = p.result();
            System.out.println(result);
        } catch (ChildFailedException e) {
            Optional<ExitStatus> childStatus = e.exitStatus();
            Object remoteClass = e.remoteClassName();
            System.out.println(childStatus + " " + remoteClass);
        }
        System.out.println(asCallable + " " + asSerializable + pid + name + daemon + alive + status + ended + maybe + exit);
    }
}
