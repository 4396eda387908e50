package dev.multiproc.bench;

import dev.multiproc.Command;
import dev.multiproc.CompletedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Head-to-head with Python, in one run on one machine, for the measurements JMH cannot make
 * because one side is Python: each side times its own loop after a warm-up.
 * {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar dev.multiproc.bench.PythonComparison}.
 */
public final class PythonComparison {
    private PythonComparison() {}

    public static void main(String[] args) throws Exception {
        if (!python()) {
            System.out.println("python3 is not on PATH: nothing to compare against");
            return;
        }
        int n = 2000;
        double multiproc = runTrueWithCapture(n);
        double python = pythonMicros("""
                import subprocess, time
                for _ in range(200): subprocess.run(["/bin/true"], capture_output=True)
                t = time.perf_counter()
                for _ in range(%d): subprocess.run(["/bin/true"], capture_output=True)
                print((time.perf_counter() - t) / %d * 1e6)
                """.formatted(n, n));
        System.out.printf("run(/bin/true) with capture: multiproc %.0f µs, Python subprocess.run %.0f µs: %.2fx%n",
                multiproc, python, python / multiproc);
    }

    static double runTrueWithCapture(int n) throws Exception {
        Command cmd = Command.of("/bin/true");
        for (int i = 0; i < 500; i++) {
            cmd.run();
        }
        double[] best = new double[3];
        for (int round = 0; round < best.length; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < n; i++) {
                CompletedProcess r = cmd.run();
                if (!r.exitStatus().success()) {
                    throw new IllegalStateException("true failed: " + r);
                }
            }
            best[round] = (System.nanoTime() - t) / 1000.0 / n;
        }
        return Arrays.stream(best).min().orElseThrow();
    }

    /** Runs a Python script that prints one number (microseconds per operation) and returns it. */
    static double pythonMicros(String script) throws Exception {
        CompletedProcess r = Command.of("python3", "-c", script).run().check();
        return Double.parseDouble(r.stdoutText().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    static boolean python() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "python3"))) {
                return true;
            }
        }
        return false;
    }
}
