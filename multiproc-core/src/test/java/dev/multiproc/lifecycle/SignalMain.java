package dev.multiproc.lifecycle;

import dev.multiproc.Command;
import dev.multiproc.Redirect;
import dev.multiproc.Signal;
import dev.multiproc.Signals;
import dev.multiproc.Subprocess;
import java.util.List;

/**
 * A JVM for the signal tests. {@code handle SIG}: a handler that prints {@code got SIG};
 * {@code restore SIG}: a handler installed then closed; {@code forward-all SIG FILE}: a
 * command that records the signal in FILE, with forwardToChildren; {@code forward-one SIG
 * FILE1 FILE2}: two such commands, the signal forwarded to the first only. Prints
 * {@code ready} (after {@code pid=...} lines for commands), then sleeps.
 */
public final class SignalMain {
    private SignalMain() {}

    public static void main(String[] args) throws Exception {
        Signal signal = Signal.parse(args[1]);
        switch (args[0]) {
            case "handle" -> Signals.handle(signal, s -> say("got " + s.displayName()));
            case "restore" -> Signals.handle(signal, s -> say("got " + s.displayName())).close();
            case "forward-all" -> {
                recorder(signal, args[2]);
                Signals.forwardToChildren(signal);
            }
            case "forward-one" -> {
                Subprocess first = recorder(signal, args[2]);
                recorder(signal, args[3]);
                Signals.forward(signal, List.of(first));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        say("ready");
        Thread.sleep(120_000);
    }

    /** A command that writes the signal's name to {@code file} when it gets it, then exits. */
    private static Subprocess recorder(Signal signal, String file) throws Exception {
        String name = signal.name().substring(3);
        Subprocess p = Command.of("sh", "-c", "trap 'echo " + name + " > \"$1\"; exit 0' " + name
                + "; echo pid=$$; while :; do sleep 0.02; done", "sh", file)
                .stdin(Redirect.DISCARD).stdout(Redirect.PIPE).start();
        say(new java.io.BufferedReader(new java.io.InputStreamReader(p.stdout())).readLine());
        return p;
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
