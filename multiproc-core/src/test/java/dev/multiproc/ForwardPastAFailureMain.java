package dev.multiproc;

import dev.multiproc.internal.posix.Fds;
import java.util.List;

/**
 * A JVM that forwards SIGTERM to a handle the kernel refuses to signal (its pidfd is
 * {@code /dev/null}), then to a command that records the signal in the file {@code args[0]}.
 * Prints {@code ready}, then sleeps.
 */
public final class ForwardPastAFailureMain {
    private ForwardPastAFailureMain() {}

    public static void main(String[] args) throws Exception {
        DetachedProcess refused = new DetachedProcess(Integer.MAX_VALUE,
                Fds.open("/dev/null", Fds.O_RDONLY | Fds.O_CLOEXEC, 0), "refused");
        Subprocess recorder = Command.of("sh", "-c", "trap 'echo TERM > \"$1\"; exit 0' TERM; echo started; "
                + "while :; do sleep 0.02; done", "sh", args[0]).stdin(Redirect.DISCARD).start();
        recorder.stdout().lines().findFirst();
        Signals.forward(Signal.SIGTERM, List.of(refused, recorder));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(120_000);
    }
}
