package dev.multiproc.jvmtesting;

import dev.multiproc.JvmProcess;
import dev.multiproc.Redirect;

/** Starts a child JVM, waits until its task runs, terminates it and prints its exit status. */
public final class TerminateMain {
    private TerminateMain() {}

    public static void main(String[] args) throws Exception {
        JvmProcess<String> p = JvmProcess.builder().stdout(Redirect.PIPE).start(() -> {
            System.out.println("running");
            System.out.flush();
            Thread.sleep(60_000);
            return "slept";
        });
        p.stdout().readNBytes(8);
        p.terminate();
        System.out.println(p.join());
    }
}
