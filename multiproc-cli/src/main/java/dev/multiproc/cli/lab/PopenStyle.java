package dev.multiproc.cli.lab;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import dev.multiproc.ExitStatus;
import dev.multiproc.Subprocess;
import java.nio.charset.StandardCharsets;

/** Seed 2, subprocess.Popen: start a command, talk to it, wait for it. */
final class PopenStyle extends Row {
    PopenStyle() {
        super("a Popen-style command: communicate, then wait",
                "Popen(...).communicate(input) returns (out, err); wait() returns the returncode",
                "Command.start().communicate(input, timeout) returns the output and status; waitFor() returns it again");
    }

    @Override
    Outcome run(LabContext lab) throws Exception {
        Subprocess p = Command.of("sh", "-c", "read x; echo \"got $x\"; echo warning >&2; exit 2").start();
        CompletedProcess r = p.communicate("hello\n".getBytes(StandardCharsets.UTF_8), LabContext.PATIENCE);
        ExitStatus again = p.waitFor();
        boolean ok = r.stdoutText().equals("got hello\n") && r.stderrText().equals("warning\n")
                && r.exitStatus().returncode() == 2 && again.equals(r.exitStatus());
        return Outcome.of(ok, "child %d: stdout %s, stderr %s, %s; waitFor() again: %s", p.pid(),
                quote(r.stdoutText()), quote(r.stderrText()), r.exitStatus(), again);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
