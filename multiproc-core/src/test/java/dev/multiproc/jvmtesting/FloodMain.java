package dev.multiproc.jvmtesting;

import dev.multiproc.ChildFailedException;
import dev.multiproc.JvmProcess;

/**
 * Starts a child that writes {@code MIB} MiB to its stderr, then {@code THE END}, then exits 3;
 * prints {@code tail-ok} if the failure's stderr tail ends with that line and holds at most
 * 8 KiB (plus its "..." marker).
 */
public final class FloodMain {
    private FloodMain() {}

    public static void main(String[] args) throws Exception {
        int mib = Integer.parseInt(args[0]);
        JvmProcess<String> p = JvmProcess.start(() -> {
            byte[] line = new byte[1024];
            java.util.Arrays.fill(line, (byte) 'x');
            line[1023] = '\n';
            for (int i = 0; i < mib * 1024; i++) {
                System.err.write(line, 0, line.length);
            }
            System.err.println("THE END");
            System.err.flush();
            System.exit(3);
            return "never";
        });
        try {
            p.result();
            System.out.println("unexpected result");
        } catch (ChildFailedException e) {
            String tail = e.stderrTail();
            boolean ok = tail.endsWith("THE END\n") && tail.length() <= 8192 + 3 && tail.startsWith("...");
            System.out.println(ok ? "tail-ok" : "tail-bad: " + tail.length());
            System.out.println(e.exitStatus().orElseThrow());
        }
    }
}
