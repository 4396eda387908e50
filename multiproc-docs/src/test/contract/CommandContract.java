package contract;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import dev.multiproc.ExitStatus;
import dev.multiproc.Pipeline;
import dev.multiproc.ProcessFailedException;
import dev.multiproc.Redirect;
import dev.multiproc.Signal;
import dev.multiproc.Subprocess;
import dev.multiproc.TimeoutExpiredException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The fixed names of commands, subprocesses and their I/O, used as a program outside the project would. */
public final class CommandContract {
    private CommandContract() {}

    static void commands() throws Exception {
        Command c = Command.of("echo", "hi");
        c = Command.of(List.of("echo", "hi"))
                .directory(Path.of("."))
                .env("A", "1")
                .environment(Map.of("PATH", "/bin"))
                .stdin(Redirect.PIPE)
                .stdout(Redirect.INHERIT)
                .stderr(Redirect.DISCARD)
                .stderr(Redirect.TO_STDOUT)
                .stdout(Redirect.to(Path.of("out")))
                .stdout(Redirect.appendTo(Path.of("out")))
                .stdin(Redirect.from(Path.of("in")))
                .newSession()
                .newProcessGroup()
                .daemon(false);
        Subprocess p = c.start();
        long pid = p.pid();
        boolean alive = p.isAlive();
        boolean sent = p.signal(Signal.SIGUSR1) && p.terminate() && p.kill() && p.signalGroup(Signal.SIGTERM);
        ExitStatus s = p.killTree(Duration.ofSeconds(1));
        s = p.waitFor();
        java.util.Optional<ExitStatus> maybe = p.waitFor(Duration.ofSeconds(1));
        CompletableFuture<ExitStatus> exit = p.onExit();
        OutputStream in = p.stdin();
        InputStream out = p.stdout();
        InputStream err = p.stderr();
        boolean ok = s.success();
        java.util.OptionalInt code = s.exitCode();
        java.util.Optional<Signal> signal = s.signal();
        boolean core = s.coreDumped();
        int rc = s.returncode() + s.shellCode();
        Signal term = Signal.SIGTERM;
        int number = term.number();
        Signal again = Signal.of(15);
        System.out.println(pid + " " + alive + sent + maybe + exit + in + out + err + ok + code + signal + core + rc
                + number + again);
    }

    static void bytes() throws Exception {
        Command c = Command.ofBytes(new byte[] {'l', 's'}, new byte[] {(byte) 0xe9})
                .envBytes(new byte[] {'A'}, new byte[] {(byte) 0xe9});
        c = Command.ofBytes(List.of(new byte[] {'l', 's'}));
        List<byte[]> argv = c.argvBytes();
        System.out.println(argv.size() + " " + c.argv());
    }

    static void io() throws Exception {
        Subprocess p = Command.of("cat").start();
        CompletedProcess r = p.communicate(new byte[] {1}, Duration.ofSeconds(1));
        r = Command.of("cat").input(new byte[] {1}).input("text").timeout(Duration.ofSeconds(1)).run();
        ExitStatus s = r.exitStatus();
        byte[] out = r.stdout();
        byte[] err = r.stderr();
        String text = r.stdoutText() + r.stderrText();
        r = r.check();
        try {
            Command.of("false").run().check();
        } catch (ProcessFailedException e) {
            ExitStatus failed = e.exitStatus();
            System.out.println(failed);
        } catch (TimeoutExpiredException e) {
            byte[] partialOut = e.stdout();
            byte[] partialErr = e.stderr();
            System.out.println(partialOut.length + partialErr.length);
        }
        Object result = Pipeline.of(Command.of("ls"), Command.of("wc", "-l")).run();
        System.out.println(s + " " + out.length + err.length + text + result);
    }
}
