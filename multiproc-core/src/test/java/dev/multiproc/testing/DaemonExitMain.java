package dev.multiproc.testing;

import dev.multiproc.Command;
import dev.multiproc.ProcessEntry;
import dev.multiproc.Redirect;
import dev.multiproc.Subprocess;
import java.util.List;

/**
 * Starts a daemon command with two grandchildren, a daemon command that ignores SIGTERM, and
 * a non-daemon command; prints {@code daemon PID}, {@code grandchild PID} (twice),
 * {@code stubborn PID} and {@code keeper PID}; then ends: by returning from main, or with
 * {@code System.exit(3)} if the first argument is {@code exit}.
 */
public final class DaemonExitMain {
    private DaemonExitMain() {}

    public static void main(String[] args) throws Exception {
        Subprocess daemon = quiet(Command.of("sh", "-c", "sleep 300 & sleep 300 & wait")).start();
        Subprocess stubborn = quiet(Command.of("sh", "-c", "trap '' TERM; echo ready; exec sleep 300"))
                .stdout(Redirect.PIPE).start();
        Subprocess keeper = quiet(Command.of("sleep", "300")).daemon(false).start();

        stubborn.stdout().read(new byte[6]); // "ready\n": TERM is ignored from now on
        List<ProcessEntry> grandchildren;
        long deadline = System.nanoTime() + Procs.PATIENCE.toNanos();
        do {
            grandchildren = Procs.childrenOf(daemon.pid()).stream().filter(e -> !e.zombie()).toList();
        } while (grandchildren.size() < 2 && System.nanoTime() < deadline && sleep());

        System.out.println("daemon " + daemon.pid());
        grandchildren.forEach(g -> System.out.println("grandchild " + g.pid()));
        System.out.println("stubborn " + stubborn.pid());
        System.out.println("keeper " + keeper.pid());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(3);
        }
    }

    private static Command quiet(Command command) {
        return command.stdin(Redirect.DISCARD).stdout(Redirect.DISCARD).stderr(Redirect.DISCARD);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(10);
        return true;
    }
}
