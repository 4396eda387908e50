package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.ExitStatus;
import dev.multiproc.JvmProcess;
import dev.multiproc.Subprocess;

/** Seed 2's caution: os.wait()/waitpid() on a daemon child that join() already reaped raises ECHILD. */
final class WaitAfterReap extends Row {
    WaitAfterReap() {
        super("waiting on a child that was already reaped",
                "os.waitpid() on a daemon Process child after join() raises OSError [Errno 10] ECHILD; join() is fine",
                "the status is kept once reaped: join()/waitFor() again, from any thread, return it; never ECHILD");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        String python = "";
        if (lab.hasPython()) {
            python = "; Python, live: " + lab.python("""
                    import multiprocessing, os
                    def f(): pass
                    if __name__ == "__main__":
                        p = multiprocessing.Process(target=f, daemon=True); p.start(); p.join()
                        try:
                            os.waitpid(p.pid, 0); print("waitpid returned")
                        except OSError as e:
                            print(f"waitpid after join: {type(e).__name__} [Errno {e.errno}] {e.strerror}")
                    """);
        }
        JvmProcess<String> child = JvmProcess.builder().daemon(true).start(LabTasks.whoAmI());
        ExitStatus first = child.join();
        ExitStatus second = child.join();
        Subprocess command = Command.of("true").start();
        ExitStatus c1 = command.waitFor();
        ExitStatus[] fromThread = new ExitStatus[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                fromThread[0] = command.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.join();
        boolean ok = first.equals(second) && first.success() && c1.equals(fromThread[0]);
        return Outcome.of(ok, "daemon child JVM %d: join() %s, join() again %s; command %d: waitFor() %s, again from"
                + " another thread %s%s", child.pid(), first, second, command.pid(), c1, fromThread[0], python);
    }
}
