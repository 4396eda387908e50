package contract;

import dev.multiproc.ChildInfo;
import dev.multiproc.Command;
import dev.multiproc.DetachedProcess;
import dev.multiproc.JvmProcess;
import dev.multiproc.Multiproc;
import dev.multiproc.Signal;
import dev.multiproc.Signals;
import dev.multiproc.Subprocess;
import java.util.List;

/** The fixed names of the lifecycle guarantees, used as a program outside the project would. */
public final class LifecycleContract {
    private LifecycleContract() {}

    static void lifecycle() throws Exception {
        DetachedProcess detached = Command.of("sleep", "60").detached().start();
        long pid = detached.pid();
        Subprocess survivor = Command.of("sleep", "60").survivesParent().start();
        JvmProcess<String> jvm = JvmProcess.builder().survivesParent(true).start(() -> "x");
        Multiproc.becomeSubreaper();
        List<ChildInfo> children = Multiproc.activeChildren();
        try (Signals.Registration r = Signals.handle(Signal.SIGTERM, s -> System.out.println(s))) {
            System.out.println(r + " " + pid + survivor + jvm + children);
        }
    }
}
